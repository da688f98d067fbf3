/**
 * Streaming WAV writer: a header with zero sizes first (readers treat that as "read to end of file",
 * so an interrupted file is still usable), samples appended per write(), sizes patched on close().
 */
import { StemstreamError } from '../errors.js';
import type { AudioWriter } from './audio-types.js';
import { createOutputFile } from './output-file.js';
import { encodePcm } from './pcm-codec.js';
import { buildWavHeader } from './wav-header.js';
import { checkBlock } from './write-checks.js';

const MAX_RIFF_BYTES = 0xffffffff;

/** Opens a WAV writer: bits 16/24 = signed int PCM, 32 = IEEE float32. Options are already validated. */
export async function createWavWriter(path: string, opts: { bits: 16 | 24 | 32; sampleRate: number; nbChannels: number }): Promise<AudioWriter> {
  const { bits, sampleRate, nbChannels } = opts;
  const float = bits === 32;
  const enc = float ? { kind: 'float', bits: 32 } as const : { kind: 'int', bits } as const;
  const frameBytes = (nbChannels * bits) / 8;
  const header = (nbFrames: number): Uint8Array => buildWavHeader({ float, bits, sampleRate, nbChannels, nbFrames });
  const out = await createOutputFile(path);
  const headerBytes = header(0).length;
  await out.append(header(0));
  let nbFrames = 0;
  let closed = false;
  return {
    async write(channels: Float32Array[]): Promise<void> {
      if (closed) throw new StemstreamError('SS_ERR_INTERNAL', `${path}: write() after close()`);
      const len = checkBlock(channels, nbChannels, path);
      if (len === 0) return;
      if (headerBytes - 8 + (nbFrames + len) * frameBytes > MAX_RIFF_BYTES) {
        throw new StemstreamError('SS_ERR_WRITE_FAILED', `${path}: a WAV file cannot hold more than 4 GiB; write FLAC or fewer bits instead`);
      }
      await out.append(encodePcm(channels, enc));
      nbFrames += len;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await out.writeAt(0, header(nbFrames));
      } finally {
        await out.close();
      }
    },
  };
}
