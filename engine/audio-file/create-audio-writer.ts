/**
 * Entry points for writing: {@link createAudioWriter} (streaming) and {@link writeAudio} (whole buffer).
 */
import type { AudioWriter, WriteOptions } from './audio-types.js';
import { createFlacWriter } from './flac-writer.js';
import { createWavWriter } from './wav-writer.js';
import { checkBlock, checkWriteOptions } from './write-checks.js';

/**
 * Opens a streaming writer. WAV: 16/24-bit int (clipped to [-1, 1), rounded to nearest, no dither)
 * or 32-bit float (as is). FLAC: 16/24-bit int, same quantisation. Sizes are patched on close(),
 * so hour-long outputs never sit in memory.
 * @throws StemstreamError SS_ERR_BAD_OPTION (e.g. FLAC 32-bit), SS_ERR_WRITE_FAILED (cannot create the file).
 */
export async function createAudioWriter(path: string, opts: WriteOptions): Promise<AudioWriter> {
  checkWriteOptions(path, opts);
  const { bits, sampleRate, nbChannels } = opts;
  if (opts.format === 'wav') return createWavWriter(path, { bits, sampleRate, nbChannels });
  return createFlacWriter(path, { bits: bits as 16 | 24, sampleRate, nbChannels });
}

/** Frames per write() when writing a whole buffer. */
const WHOLE_WRITE_FRAMES = 1 << 16;

/**
 * Writes planar float32 `data.channels` (`channels[c][frame]`, equal lengths) at `data.sampleRate` Hz
 * to `path`, streaming it through {@link createAudioWriter}.
 */
export async function writeAudio(path: string, data: { sampleRate: number; channels: Float32Array[] }, opts: Omit<WriteOptions, 'sampleRate' | 'nbChannels'>): Promise<void> {
  const nbChannels = data.channels.length;
  const full: WriteOptions = { ...opts, sampleRate: data.sampleRate, nbChannels };
  checkWriteOptions(path, full);
  const len = checkBlock(data.channels, nbChannels, path);
  const writer = await createAudioWriter(path, full);
  try {
    for (let at = 0; at < len; at += WHOLE_WRITE_FRAMES) {
      await writer.write(data.channels.map((ch) => ch.subarray(at, Math.min(len, at + WHOLE_WRITE_FRAMES))));
    }
  } finally {
    await writer.close();
  }
}
