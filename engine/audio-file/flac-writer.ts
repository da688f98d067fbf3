/**
 * Streaming FLAC writer on libFLAC (libflacjs), compression level 5 (flac's default). Encoded bytes are
 * appended as libFLAC produces them; STREAMINFO (total frames, frame sizes, MD5), which libFLAC can only
 * know at the end and cannot seek back to write, is patched in place by close().
 */
import { StemstreamError } from '../errors.js';
import type { AudioWriter } from './audio-types.js';
import { loadFlac } from './flac-lib.js';
import { createOutputFile } from './output-file.js';
import { interleaveInt32 } from './pcm-codec.js';
import { checkBlock } from './write-checks.js';

const COMPRESSION_LEVEL = 5;
/** Frames handed to libFLAC per call, bounding the interleaved copy and the WASM heap use. */
const ENCODE_FRAMES = 16384;
/** "fLaC" + metadata block header: STREAMINFO's 34 bytes follow. */
const STREAMINFO_OFFSET = 8;

interface StreamInfo {
  min_blocksize: number; max_blocksize: number; min_framesize: number; max_framesize: number;
  sampleRate: number; channels: number; bitsPerSample: number; total_samples: number; md5sum: string;
}

/** Serialises a STREAMINFO block body (34 bytes, big-endian bit fields as in the FLAC spec). */
export function encodeStreamInfo(m: StreamInfo): Uint8Array {
  const b = new Uint8Array(34);
  b[0] = m.min_blocksize >> 8; b[1] = m.min_blocksize & 0xff;
  b[2] = m.max_blocksize >> 8; b[3] = m.max_blocksize & 0xff;
  b[4] = (m.min_framesize >> 16) & 0xff; b[5] = (m.min_framesize >> 8) & 0xff; b[6] = m.min_framesize & 0xff;
  b[7] = (m.max_framesize >> 16) & 0xff; b[8] = (m.max_framesize >> 8) & 0xff; b[9] = m.max_framesize & 0xff;
  // 20 bits rate | 3 bits channels-1 | 5 bits bps-1 | 36 bits total samples
  b[10] = (m.sampleRate >> 12) & 0xff;
  b[11] = (m.sampleRate >> 4) & 0xff;
  b[12] = ((m.sampleRate & 0x0f) << 4) | (((m.channels - 1) & 0x07) << 1) | (((m.bitsPerSample - 1) >> 4) & 1);
  const totalHi = Math.floor(m.total_samples / 2 ** 32);
  const totalLo = m.total_samples >>> 0;
  b[13] = (((m.bitsPerSample - 1) & 0x0f) << 4) | (totalHi & 0x0f);
  b[14] = totalLo >>> 24; b[15] = (totalLo >>> 16) & 0xff; b[16] = (totalLo >>> 8) & 0xff; b[17] = totalLo & 0xff;
  const md5 = m.md5sum.length === 32 ? m.md5sum : '0'.repeat(32);
  for (let i = 0; i < 16; i++) b[18 + i] = parseInt(md5.slice(2 * i, 2 * i + 2), 16);
  return b;
}

/** Opens a FLAC writer (16 or 24 bits, 1..8 channels). Options are already validated. */
export async function createFlacWriter(path: string, opts: { bits: 16 | 24; sampleRate: number; nbChannels: number }): Promise<AudioWriter> {
  const { bits, sampleRate, nbChannels } = opts;
  const flac = await loadFlac();
  const encoder = flac.create_libflac_encoder(sampleRate, nbChannels, bits, COMPRESSION_LEVEL, 0, false, 0);
  if (!encoder) throw new StemstreamError('SS_ERR_INTERNAL', `${path}: libFLAC refused to create an encoder`);
  // libFLAC calls back synchronously from process()/finish(); the bytes are flushed to the file after each call.
  let pending: Uint8Array[] = [];
  let info: StreamInfo | null = null;
  const status = flac.init_encoder_stream(encoder,
    (data) => { pending.push(data.slice()); },
    (metadata) => { if (metadata) info = metadata; });
  if (status !== 0) {
    flac.FLAC__stream_encoder_delete(encoder);
    throw new StemstreamError('SS_ERR_INTERNAL', `${path}: libFLAC encoder init failed (status ${status})`);
  }
  let out;
  try {
    out = await createOutputFile(path);
  } catch (e) {
    flac.FLAC__stream_encoder_delete(encoder);
    throw e;
  }
  const file = out;
  const flush = async (): Promise<void> => {
    const chunks = pending;
    pending = [];
    for (const c of chunks) await file.append(c);
  };
  let closed = false;
  return {
    async write(channels: Float32Array[]): Promise<void> {
      if (closed) throw new StemstreamError('SS_ERR_INTERNAL', `${path}: write() after close()`);
      const len = checkBlock(channels, nbChannels, path);
      for (let at = 0; at < len; at += ENCODE_FRAMES) {
        const n = Math.min(ENCODE_FRAMES, len - at);
        const block = interleaveInt32(channels.map((ch) => ch.subarray(at, at + n)), bits);
        if (!flac.FLAC__stream_encoder_process_interleaved(encoder, block, n)) {
          throw new StemstreamError('SS_ERR_INTERNAL', `${path}: libFLAC failed to encode (state ${flac.FLAC__stream_encoder_get_state(encoder)})`);
        }
        await flush();
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        const ok = flac.FLAC__stream_encoder_finish(encoder);
        await flush();
        if (!ok) throw new StemstreamError('SS_ERR_INTERNAL', `${path}: libFLAC failed to finish the stream`);
        if (info) await file.writeAt(STREAMINFO_OFFSET, encodeStreamInfo(info));
      } finally {
        flac.FLAC__stream_encoder_delete(encoder);
        await file.close();
      }
    },
  };
}
