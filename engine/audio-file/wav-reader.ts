/**
 * Streaming WAV reader: the header is parsed once, then each read() pulls just the requested frames
 * from the file handle, so memory stays bounded whatever the file length.
 */
import { StemstreamError } from '../errors.js';
import type { AudioInfo, AudioReader } from './audio-types.js';
import type { InputFile } from './file-access.js';
import { decodePcm } from './pcm-codec.js';
import { parseWavHeader } from './wav-header.js';

/** Checks a read() request size. */
export function checkMaxFrames(maxFrames: number): void {
  if (!Number.isInteger(maxFrames) || maxFrames < 1) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `read(maxFrames): expected a positive integer, got ${maxFrames}`);
  }
}

/** Opens a WAV reader on an already opened file; the reader owns (and closes) the handle. */
export async function createWavReader(file: InputFile): Promise<AudioReader> {
  const layout = await parseWavHeader(file.readAt, file.size, file.path);
  const { encoding, nbChannels, blockAlign, dataOffset, nbFrames } = layout;
  const info: AudioInfo = {
    format: 'wav',
    sampleRate: layout.sampleRate,
    nbChannels,
    nbFrames,
    bitsPerSample: encoding.bits,
    sampleFormat: encoding.kind,
    ...(layout.warnings.length > 0 ? { warnings: layout.warnings } : {}),
  };
  let position = 0;
  let closed = false;
  return {
    info,
    async read(maxFrames: number): Promise<Float32Array[] | null> {
      checkMaxFrames(maxFrames);
      if (closed) throw new StemstreamError('SS_ERR_INTERNAL', `${file.path}: read() after close()`);
      const want = Math.min(maxFrames, nbFrames - position);
      if (want <= 0) return null;
      const bytes = await file.readAt(dataOffset + position * blockAlign, want * blockAlign);
      // The file may have shrunk since it was opened: keep whole frames only.
      const got = Math.floor(bytes.length / blockAlign);
      if (got === 0) return null;
      position += got;
      return decodePcm(bytes, encoding, nbChannels, got);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await file.handle.close();
    },
  };
}
