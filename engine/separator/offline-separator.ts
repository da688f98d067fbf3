import { StemstreamError } from '../errors.js';
import { StreamingIstft, StreamingStft, type StftParams } from '../dsp/index.js';
import { createStreamingResampler, type StreamingResampler } from '../dsp/resampler.js';
import type { LoadedModel, MaskModel } from '../model/index.js';
import { MaskStitcher, type StitchOptions } from './mask-stitcher.js';

/** What the separator needs to know of a model: its mask function and its signal framing. */
export interface SeparatorModel {
  mask: MaskModel;
  sampleRate: number;
  stft: StftParams;
}

export function separatorModel(model: LoadedModel): SeparatorModel {
  const s = model.manifest.signal;
  return { mask: model, sampleRate: s.sample_rate, stft: { nFft: s.n_fft, hop: s.hop_length } };
}

export type SeparatorOptions = StitchOptions;

/** Anything that turns pushed input blocks into aligned stems through a sink (offline or streaming algorithm). */
export interface StemProcessor {
  push(block: Float32Array[]): Promise<void>;
  finish(): Promise<void>;
}

export type ProcessorFactory = (model: SeparatorModel, sampleRate: number, nbChannels: number, sink: StemSink) => Promise<StemProcessor>;

/** Output callback: planar blocks at the input rate, instrument and rest of the same length, in order. */
export type StemSink = (instrument: Float32Array[], rest: Float32Array[]) => void | Promise<void>;

/**
 * The offline separator as a stream: push planar input blocks of any size, receive instrument and
 * rest blocks aligned sample for sample with the input. Memory stays bounded (a few seconds of
 * audio and frames) however long the input, so an hour-long file costs what a minute costs.
 *
 * input ─▶ resample to model rate ─▶ STFT per channel ─┬─▶ |mean of channel spectra| ─▶ chunked masks
 *                                                       └─▶ mask · X_c (own phase) ─▶ ISTFT ─▶ resample back
 * rest = input − instrument, at the input's own rate, so the rest keeps the full bandwidth.
 */
export class OfflineSeparator implements StemProcessor {
  readonly nbChannels: number;
  readonly sampleRate: number;

  private readonly stfts: StreamingStft[];
  private readonly istfts: StreamingIstft[];
  private readonly stitcher: MaskStitcher;
  private readonly nbBins: number;
  // Channel spectra waiting for their mask, frame-major; a ring indexed by frame number.
  private readonly specCapacity: number;
  private readonly specRe: Float32Array[];
  private readonly specIm: Float32Array[];
  private readonly monoMag: Float32Array;
  private readonly frameRe: Float32Array;
  private readonly frameIm: Float32Array;
  private pendingFrames: number[] = [];
  /** Next frame waiting for its mask; frames from here on must stay in the spectrum ring. */
  private nextMaskFrame = 0;
  // Instrument at the model rate, per channel, until resampled back.
  private modelRateOut: Float32Array[][];
  private readonly istftScratch: Float32Array;
  // Input kept until the instrument for the same samples exists (rest = input − instrument).
  private inputQueue: Float32Array[][] = [];
  private inputQueued = 0;
  private instrumentQueue: Float32Array[][] = [];
  private instrumentQueued = 0;
  private inputFrames = 0;
  private modelFramesIn = 0;
  private outputFrames = 0;
  private finished = false;

  private constructor(
    private readonly model: SeparatorModel,
    sampleRate: number,
    nbChannels: number,
    private readonly toModel: StreamingResampler | null,
    private readonly fromModel: StreamingResampler | null,
    private readonly sink: StemSink,
    options: SeparatorOptions,
  ) {
    this.sampleRate = sampleRate;
    this.nbChannels = nbChannels;
    this.nbBins = model.stft.nFft / 2 + 1;
    if (this.nbBins !== model.mask.nbBins) {
      throw new StemstreamError('SS_ERR_BAD_MODEL', `model expects ${model.mask.nbBins} bins but n_fft ${model.stft.nFft} gives ${this.nbBins}`);
    }
    this.stfts = Array.from({ length: nbChannels }, () => new StreamingStft(model.stft));
    this.istfts = Array.from({ length: nbChannels }, () => new StreamingIstft(model.stft));
    this.stitcher = new MaskStitcher(model.mask, (mask, frame) => this.applyMask(mask, frame), options);
    this.specCapacity = this.stitcher.chunkFrames * 2 + this.stitcher.batchSize * this.stitcher.stepFrames + 8;
    this.specRe = Array.from({ length: nbChannels }, () => new Float32Array(this.specCapacity * this.nbBins));
    this.specIm = Array.from({ length: nbChannels }, () => new Float32Array(this.specCapacity * this.nbBins));
    this.monoMag = new Float32Array(this.nbBins);
    this.frameRe = new Float32Array(this.nbBins);
    this.frameIm = new Float32Array(this.nbBins);
    this.modelRateOut = Array.from({ length: nbChannels }, () => []);
    this.istftScratch = new Float32Array(model.stft.nFft * 4);
  }

  static async create(
    model: SeparatorModel,
    sampleRate: number,
    nbChannels: number,
    sink: StemSink,
    options: SeparatorOptions = {},
  ): Promise<OfflineSeparator> {
    if (!Number.isInteger(nbChannels) || nbChannels < 1) {
      throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `cannot separate audio with ${nbChannels} channels`);
    }
    if (!Number.isFinite(sampleRate) || sampleRate < 1000 || sampleRate > 768000) {
      throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `unsupported sample rate ${sampleRate} Hz`);
    }
    const same = sampleRate === model.sampleRate;
    const toModel = same ? null : await createStreamingResampler(nbChannels, sampleRate, model.sampleRate);
    const fromModel = same ? null : await createStreamingResampler(nbChannels, model.sampleRate, sampleRate);
    return new OfflineSeparator(model, sampleRate, nbChannels, toModel, fromModel, sink, options);
  }

  /** Feeds planar input (one Float32Array per channel, equal lengths). */
  async push(block: Float32Array[]): Promise<void> {
    if (this.finished) throw new StemstreamError('SS_ERR_INTERNAL', 'OfflineSeparator.push after finish');
    this.checkBlock(block);
    const n = block[0].length;
    if (n === 0) return;
    this.inputQueue.push(block.map((c) => c.slice()));
    this.inputQueued += n;
    this.inputFrames += n;
    const modelBlock = this.toModel ? this.toModel.process(block) : block;
    await this.pushModelRate(modelBlock);
    await this.drain();
  }

  /** Flushes every stage; afterwards the sink has received exactly as many frames as were pushed. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.toModel) await this.pushModelRate(this.toModel.flush());
    for (let c = 0; c < this.nbChannels; c++) {
      this.stfts[c].finish((re, im, frame) => this.storeFrame(c, re, im, frame));
    }
    await this.feedStitcher();
    await this.stitcher.finish();
    for (let c = 0; c < this.nbChannels; c++) {
      this.istfts[c].finish(this.modelFramesIn);
      this.collectIstft(c);
    }
    await this.drain(true);
  }

  private checkBlock(block: Float32Array[]): void {
    if (block.length !== this.nbChannels) {
      throw new StemstreamError('SS_ERR_INTERNAL', `block has ${block.length} channels, separator was opened for ${this.nbChannels}`);
    }
    for (const ch of block) {
      if (ch.length !== block[0].length) throw new StemstreamError('SS_ERR_INTERNAL', 'channels of a block differ in length');
    }
  }

  private async pushModelRate(block: Float32Array[]): Promise<void> {
    if (block.length === 0 || block[0].length === 0) return;
    this.modelFramesIn += block[0].length;
    // Feed the STFT a step of frames at a time so the spectrum ring never holds more than one step
    // beyond what the stitcher is waiting on, whatever the caller's block size.
    const sub = this.model.stft.hop * this.stitcher.stepFrames;
    for (let i = 0; i < block[0].length; i += sub) {
      const end = Math.min(block[0].length, i + sub);
      for (let c = 0; c < this.nbChannels; c++) {
        this.stfts[c].push(block[c].subarray(i, end), (re, im, frame) => this.storeFrame(c, re, im, frame));
      }
      await this.feedStitcher();
    }
  }

  /** STFT callbacks are synchronous; keep each channel's frame and queue the frame number once. */
  private storeFrame(channel: number, re: Float32Array, im: Float32Array, frame: number): void {
    if (frame - this.nextMaskFrame >= this.specCapacity) {
      throw new StemstreamError('SS_ERR_INTERNAL', 'separator spectrum ring overflow');
    }
    const off = (frame % this.specCapacity) * this.nbBins;
    this.specRe[channel].set(re.subarray(0, this.nbBins), off);
    this.specIm[channel].set(im.subarray(0, this.nbBins), off);
    if (channel === this.nbChannels - 1) this.pendingFrames.push(frame);
  }

  private async feedStitcher(): Promise<void> {
    const frames = this.pendingFrames;
    this.pendingFrames = [];
    const inv = 1 / this.nbChannels;
    for (const frame of frames) {
      const off = (frame % this.specCapacity) * this.nbBins;
      for (let b = 0; b < this.nbBins; b++) {
        let re = 0;
        let im = 0;
        for (let c = 0; c < this.nbChannels; c++) {
          re += this.specRe[c][off + b];
          im += this.specIm[c][off + b];
        }
        this.monoMag[b] = Math.hypot(re * inv, im * inv);
      }
      await this.stitcher.push(this.monoMag);
    }
  }

  /** instrument_c = mask · X_c, keeping channel c's own phase. */
  private applyMask(mask: Float32Array, frame: number): void {
    const off = (frame % this.specCapacity) * this.nbBins;
    for (let c = 0; c < this.nbChannels; c++) {
      const re = this.specRe[c];
      const im = this.specIm[c];
      for (let b = 0; b < this.nbBins; b++) {
        this.frameRe[b] = mask[b] * re[off + b];
        this.frameIm[b] = mask[b] * im[off + b];
      }
      this.istfts[c].pushFrame(this.frameRe, this.frameIm);
      this.collectIstft(c);
    }
    this.nextMaskFrame = frame + 1;
  }

  private collectIstft(channel: number): void {
    for (;;) {
      const n = this.istfts[channel].read(this.istftScratch);
      if (n === 0) break;
      this.modelRateOut[channel].push(this.istftScratch.slice(0, n));
    }
  }

  /** Moves finished model-rate instrument through the back-resampler and pairs it with the input. */
  private async drain(final = false): Promise<void> {
    const lengths = this.modelRateOut.map((parts) => parts.reduce((s, p) => s + p.length, 0));
    const ready = Math.min(...lengths);
    if (ready > 0) {
      const block = this.modelRateOut.map((parts) => takeFrames(parts, ready));
      const back = this.fromModel ? this.fromModel.process(block) : block;
      this.enqueueInstrument(back);
    }
    if (final && this.fromModel) this.enqueueInstrument(this.fromModel.flush());
    if (final) {
      // Resampling twice can land a sample or two off the input length: pad with silence / trim.
      const missing = this.inputFrames - this.outputFrames - this.instrumentQueued;
      if (missing > 0) this.enqueueInstrument(Array.from({ length: this.nbChannels }, () => new Float32Array(missing)));
    }
    const n = Math.min(this.inputQueued, this.instrumentQueued);
    if (n === 0) return;
    const input = this.inputQueue.length ? gatherPlanar(this.inputQueue, n, this.nbChannels) : [];
    this.inputQueued -= n;
    const instrument = gatherPlanar(this.instrumentQueue, n, this.nbChannels);
    this.instrumentQueued -= n;
    const rest = input.map((x, c) => {
      const r = new Float32Array(n);
      const inst = instrument[c];
      for (let i = 0; i < n; i++) r[i] = x[i] - inst[i];
      return r;
    });
    this.outputFrames += n;
    await this.sink(instrument, rest);
    if (final) {
      this.instrumentQueue = [];
      this.instrumentQueued = 0;
    }
  }

  private enqueueInstrument(block: Float32Array[]): void {
    if (block.length === 0 || block[0].length === 0) return;
    // Never hand out more instrument than there is input (the resampler may overshoot by a sample).
    const room = this.inputFrames - this.outputFrames - this.instrumentQueued;
    const n = Math.min(block[0].length, Math.max(0, room));
    if (n === 0) return;
    this.instrumentQueue.push(block.map((c) => (c.length === n ? c : c.slice(0, n))));
    this.instrumentQueued += n;
  }
}

/** Removes the first `n` frames from a list of chunks and returns them as one array. */
function takeFrames(parts: Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n);
  let filled = 0;
  while (filled < n) {
    const head = parts[0];
    const take = Math.min(head.length, n - filled);
    out.set(head.subarray(0, take), filled);
    filled += take;
    if (take === head.length) parts.shift();
    else parts[0] = head.subarray(take);
  }
  return out;
}

/** Takes `n` frames from a queue of planar blocks. */
function gatherPlanar(queue: Float32Array[][], n: number, nbChannels: number): Float32Array[] {
  const out = Array.from({ length: nbChannels }, () => new Float32Array(n));
  let filled = 0;
  while (filled < n) {
    const head = queue[0];
    const take = Math.min(head[0].length, n - filled);
    for (let c = 0; c < nbChannels; c++) out[c].set(head[c].subarray(0, take), filled);
    filled += take;
    if (take === head[0].length) queue.shift();
    else queue[0] = head.map((ch) => ch.subarray(take));
  }
  return out;
}

/** Whole arrays in, whole stems out (evaluation, tests). Planar, input rate. */
export async function separateChannels(
  channels: Float32Array[],
  sampleRate: number,
  model: SeparatorModel,
  options: SeparatorOptions & { blockFrames?: number; processor?: ProcessorFactory } = {},
): Promise<{ instrument: Float32Array[]; rest: Float32Array[] }> {
  const length = channels[0]?.length ?? 0;
  const instrument = channels.map(() => new Float32Array(length));
  const rest = channels.map(() => new Float32Array(length));
  let at = 0;
  const sink: StemSink = (inst, r) => {
    for (let c = 0; c < channels.length; c++) {
      instrument[c].set(inst[c], at);
      rest[c].set(r[c], at);
    }
    at += inst[0].length;
  };
  const sep = options.processor
    ? await options.processor(model, sampleRate, channels.length, sink)
    : await OfflineSeparator.create(model, sampleRate, channels.length, sink, options);
  const block = options.blockFrames ?? 65536;
  for (let i = 0; i < length; i += block) await sep.push(channels.map((c) => c.subarray(i, Math.min(length, i + block))));
  await sep.finish();
  return { instrument, rest };
}
