/**
 * Entry points for reading: {@link openAudio} (streaming) and {@link readAudio} (whole file).
 * The format is detected from magic bytes; the extension is ignored.
 */
import { StemstreamError } from '../errors.js';
import type { AudioInfo, AudioReader } from './audio-types.js';
import { createCompressedReader } from './compressed-reader.js';
import { SNIFF_BYTES, detectFormat, id3v2Size } from './detect-format.js';
import { openInputFile } from './file-access.js';
import { createWavReader } from './wav-reader.js';

/**
 * Opens an audio file (WAV, FLAC, MP3, Ogg Vorbis) for streaming reads.
 * `read(maxFrames)` yields planar float32 blocks; memory stays bounded for hour-long files.
 * @throws StemstreamError SS_ERR_FILE_NOT_FOUND, SS_ERR_UNREADABLE_AUDIO, SS_ERR_UNSUPPORTED_AUDIO
 *   (not audio / unknown format), SS_ERR_CORRUPT_AUDIO (empty, truncated header, bad stream facts).
 */
export async function openAudio(path: string): Promise<AudioReader> {
  const file = await openInputFile(path);
  try {
    if (file.size === 0) throw new StemstreamError('SS_ERR_CORRUPT_AUDIO', `${path}: file is empty (0 bytes)`);
    let offset = id3v2Size(await file.readAt(0, 10));
    const head = await file.readAt(offset, SNIFF_BYTES);
    const det = detectFormat(head);
    if (det.format === null) throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `${path}: ${det.reason}`);
    if (det.format === 'wav' && offset > 0) {
      throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `${path}: WAV data behind an ID3 tag is not supported`);
    }
    offset += det.offset;
    if (det.format === 'wav') return await createWavReader(file);
    return await createCompressedReader(file, det.format, offset);
  } catch (e) {
    await file.handle.close().catch(() => undefined);
    throw e;
  }
}

/** Frames per read() when loading a whole file. */
const WHOLE_READ_FRAMES = 1 << 18;

/**
 * Reads a whole audio file into memory.
 * @returns planar float32 `channels[c][frame]`, the sample rate in Hz, and the stream info
 *   (with `nbFrames` set to the decoded length).
 */
export async function readAudio(path: string): Promise<{ info: AudioInfo; sampleRate: number; channels: Float32Array[] }> {
  const reader = await openAudio(path);
  try {
    const { nbChannels } = reader.info;
    // Exact allocation when the header knows the length (WAV, FLAC, Ogg); doubling otherwise (MP3).
    let capacity = Math.max(1, reader.info.nbFrames ?? WHOLE_READ_FRAMES);
    let channels = Array.from({ length: nbChannels }, () => new Float32Array(capacity));
    let total = 0;
    for (let b = await reader.read(WHOLE_READ_FRAMES); b !== null; b = await reader.read(WHOLE_READ_FRAMES)) {
      const len = b[0].length;
      if (total + len > capacity) {
        capacity = Math.max(total + len, capacity * 2);
        channels = channels.map((ch) => { const grown = new Float32Array(capacity); grown.set(ch.subarray(0, total)); return grown; });
      }
      for (let c = 0; c < nbChannels; c++) channels[c].set(b[c], total);
      total += len;
    }
    if (total !== capacity) channels = channels.map((ch) => ch.slice(0, total));
    return { info: { ...reader.info, nbFrames: total }, sampleRate: reader.info.sampleRate, channels };
  } finally {
    await reader.close();
  }
}
