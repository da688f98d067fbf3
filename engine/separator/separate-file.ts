import { rename, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createAudioWriter, openAudio, type AudioInfo, type AudioWriter } from '../audio-file/index.js';
import { StemstreamError } from '../errors.js';
import type { MaskModel } from '../model/index.js';
import {
  OfflineSeparator,
  type ProcessorFactory,
  type SeparatorModel,
  type SeparatorOptions,
  type StemSink,
} from './offline-separator.js';

export type OutputFormat = 'wav' | 'flac';
export type OutputBits = 16 | 24 | 32;

/** Wall-clock seconds spent per stage; `dsp` is the rest (resampling, STFT, stitching, ISTFT). */
export interface SeparationTimings {
  read: number;
  write: number;
  inference: number;
  total: number;
}

export interface SeparateFileOptions extends SeparatorOptions {
  format?: OutputFormat;
  /** Output bits; default follows the input (16/24-bit int stay, float → 32 float, lossy → 24). */
  bits?: OutputBits;
  /** Input frames per read. */
  blockFrames?: number;
  onProgress?: (doneFrames: number, totalFrames: number | null) => void;
  /** The algorithm; default the offline overlapping-chunk separator. */
  processor?: ProcessorFactory;
}

export interface SeparateFileResult {
  input: string;
  instrument: string;
  rest: string;
  sampleRate: number;
  nbChannels: number;
  nbFrames: number;
  format: OutputFormat;
  bits: OutputBits;
  durationS: number;
  elapsedS: number;
  /** elapsed / duration: below 1 is faster than real time. */
  rtf: number;
  timings: SeparationTimings;
}

export function defaultBits(info: AudioInfo, format: OutputFormat): OutputBits {
  let bits: OutputBits = 24;
  if (info.sampleFormat === 'int' && info.bitsPerSample !== null && info.bitsPerSample <= 16) bits = 16;
  else if (info.sampleFormat === 'float') bits = 32;
  return format === 'flac' && bits === 32 ? 24 : bits;
}

/** Counts the time the wrapped mask model spends in inference. */
function timed(mask: MaskModel, timings: SeparationTimings): MaskModel {
  return {
    nbBins: mask.nbBins,
    chunkFrames: mask.chunkFrames,
    run: async (input, batch) => {
      const t0 = performance.now();
      try {
        return await mask.run(input, batch);
      } finally {
        timings.inference += (performance.now() - t0) / 1000;
      }
    },
    dispose: () => mask.dispose(),
  };
}

/**
 * Separates one audio file into two files. Streams the whole way (bounded memory), writes to
 * temporary names and renames only when both stems are complete, so a failure never leaves a
 * stem that looks finished.
 */
export async function separateFile(
  input: string,
  outputs: { instrument: string; rest: string },
  model: SeparatorModel,
  options: SeparateFileOptions = {},
): Promise<SeparateFileResult> {
  const t0 = performance.now();
  const timings: SeparationTimings = { read: 0, write: 0, inference: 0, total: 0 };
  const format = options.format ?? 'wav';
  let t = performance.now();
  const reader = await openAudio(input);
  timings.read += (performance.now() - t) / 1000;
  const { info } = reader;
  const bits = options.bits ?? defaultBits(info, format);
  if (format === 'flac' && bits === 32) {
    await reader.close();
    throw new StemstreamError('SS_ERR_BAD_OPTION', 'FLAC holds integers only: use --bits 16 or 24, or --format wav for 32-bit float');
  }
  const tmp = { instrument: `${outputs.instrument}.partial`, rest: `${outputs.rest}.partial` };
  const writers: AudioWriter[] = [];
  let nbFrames = 0;
  try {
    const writeOpts = { format, bits, sampleRate: info.sampleRate, nbChannels: info.nbChannels };
    const instWriter = await createAudioWriter(tmp.instrument, writeOpts);
    writers.push(instWriter);
    const restWriter = await createAudioWriter(tmp.rest, writeOpts);
    writers.push(restWriter);
    const sink: StemSink = async (inst, rest) => {
      const tw = performance.now();
      await instWriter.write(inst);
      await restWriter.write(rest);
      timings.write += (performance.now() - tw) / 1000;
    };
    const timedModel = { ...model, mask: timed(model.mask, timings) };
    const sep = options.processor
      ? await options.processor(timedModel, info.sampleRate, info.nbChannels, sink)
      : await OfflineSeparator.create(timedModel, info.sampleRate, info.nbChannels, sink, options);
    const block = options.blockFrames ?? 44100;
    for (;;) {
      t = performance.now();
      const chunk = await reader.read(block);
      timings.read += (performance.now() - t) / 1000;
      if (chunk === null) break;
      nbFrames += chunk[0]?.length ?? 0;
      await sep.push(chunk);
      options.onProgress?.(nbFrames, info.nbFrames);
    }
    await sep.finish();
    t = performance.now();
    for (const w of writers.splice(0)) await w.close();
    await rename(tmp.instrument, outputs.instrument);
    await rename(tmp.rest, outputs.rest);
    timings.write += (performance.now() - t) / 1000;
  } catch (e) {
    for (const w of writers) await w.close().catch(() => undefined);
    await rm(tmp.instrument, { force: true });
    await rm(tmp.rest, { force: true });
    throw e;
  } finally {
    await reader.close();
  }
  const elapsedS = (performance.now() - t0) / 1000;
  timings.total = elapsedS;
  const durationS = nbFrames / info.sampleRate;
  return {
    input,
    instrument: outputs.instrument,
    rest: outputs.rest,
    sampleRate: info.sampleRate,
    nbChannels: info.nbChannels,
    nbFrames,
    format,
    bits,
    durationS,
    elapsedS,
    rtf: durationS > 0 ? elapsedS / durationS : 0,
    timings,
  };
}
