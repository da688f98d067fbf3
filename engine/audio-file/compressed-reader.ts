/**
 * Streaming reader for FLAC, MP3 and Ogg Vorbis on top of audio-decode's chunked decoders
 * (@wasm-audio-decoders/flac, mpg123-decoder, @wasm-audio-decoders/ogg-vorbis). The file is fed to
 * the decoder 64 KiB at a time, only as fast as read() consumes audio, so memory stays bounded.
 *
 * Stream facts come from the container headers, not from the decoder:
 * - FLAC: STREAMINFO (rate, channels, bits, total frames; 0 total = unknown -> null).
 * - Ogg Vorbis: identification header (rate, channels); total frames = granule position of the last
 *   page, which is also where the decoder trims the final packet.
 * - MP3: first frame header (rate, mono/stereo); total frames from the Xing/Info + LAME tag when
 *   present (frames x samples per frame - encoder delay - padding), else null.
 *
 * MP3 delay/padding: mpg123 runs in gapless mode, so when the file has a LAME/Xing "Info" tag the
 * encoder delay, decoder delay and end padding are removed and the output has exactly the original
 * length (checked in tests: a 13230-frame source decodes to 13230 frames, time-aligned). Without
 * such a tag, the output keeps the encoder's leading delay and trailing padding; we pass through
 * exactly what mpg123 outputs and never trim by guesswork.
 *
 * mpg123 always outputs two channels and audio-decode folds identical pairs back to one, so each
 * block is mapped to the channel count of the header (duplicating or dropping as needed).
 */
import decode from 'audio-decode';
import { StemstreamError } from '../errors.js';
import type { AudioFormat, AudioInfo, AudioReader } from './audio-types.js';
import { findMpegFrame, mp3GaplessLength } from './mpeg-header.js';
import type { InputFile } from './file-access.js';
import { checkMaxFrames } from './wav-reader.js';

/** Bytes handed to the decoder per step. */
const FEED_BYTES = 64 * 1024;

type StreamDecoder = Awaited<ReturnType<typeof decode.mp3>>;
type CompressedFormat = Exclude<AudioFormat, 'wav'>;

function corrupt(file: string, what: string, cause?: unknown): StemstreamError {
  return new StemstreamError('SS_ERR_CORRUPT_AUDIO', `${file}: ${what}`, cause === undefined ? undefined : { cause });
}

function checkStreamFacts(file: string, kind: string, sampleRate: number, nbChannels: number): void {
  if (nbChannels < 1 || nbChannels > 8) throw corrupt(file, `${kind} header declares ${nbChannels} channels`);
  if (sampleRate < 1000 || sampleRate > 1_536_000) throw corrupt(file, `${kind} header declares an absurd sample rate of ${sampleRate} Hz`);
}

async function flacInfo(file: InputFile, offset: number): Promise<AudioInfo> {
  // "fLaC", then the first metadata block, which must be STREAMINFO (type 0, 34 bytes).
  const b = await file.readAt(offset, 4 + 4 + 34);
  if (b.length < 42 || (b[4] & 0x7f) !== 0) throw corrupt(file.path, 'FLAC header truncated or missing STREAMINFO');
  const s = 8;
  const sampleRate = (b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4);
  const nbChannels = ((b[s + 12] >> 1) & 0x07) + 1;
  const bits = (((b[s + 12] & 1) << 4) | (b[s + 13] >> 4)) + 1;
  // 36-bit total: 4 high bits, then 32 bits (kept out of int32 arithmetic).
  const total = (b[s + 13] & 0x0f) * 2 ** 32 + ((b[s + 14] << 24) >>> 0) + (b[s + 15] << 16) + (b[s + 16] << 8) + b[s + 17];
  checkStreamFacts(file.path, 'FLAC STREAMINFO', sampleRate, nbChannels);
  return { format: 'flac', sampleRate, nbChannels, nbFrames: total > 0 ? total : null, bitsPerSample: bits, sampleFormat: 'int' };
}

/** Granule position of the last complete Ogg page in the file's tail, or null. */
async function lastOggGranule(file: InputFile): Promise<number | null> {
  const tailBytes = Math.min(file.size, 65536 + 282);
  const tail = await file.readAt(file.size - tailBytes, tailBytes);
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53) continue;
    const v = new DataView(tail.buffer, tail.byteOffset + i + 6, 8);
    const lo = v.getUint32(0, true);
    const hi = v.getInt32(4, true);
    if (hi === -1 && lo === 0xffffffff) continue; // page with no finished packet
    return hi * 2 ** 32 + lo;
  }
  return null;
}

async function oggInfo(file: InputFile, offset: number): Promise<AudioInfo> {
  const b = await file.readAt(offset, 27 + 255 + 30);
  const body = 27 + (b[26] ?? 0);
  if (b.length < body + 16) throw corrupt(file.path, 'Ogg Vorbis identification header truncated');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nbChannels = b[body + 11];
  const sampleRate = v.getUint32(body + 12, true);
  checkStreamFacts(file.path, 'Vorbis identification', sampleRate, nbChannels);
  const granule = await lastOggGranule(file);
  return { format: 'ogg', sampleRate, nbChannels, nbFrames: granule !== null && granule > 0 ? granule : null, bitsPerSample: null, sampleFormat: 'compressed' };
}

async function mp3Info(file: InputFile, offset: number): Promise<AudioInfo> {
  const b = await file.readAt(offset, 64 * 1024);
  const frame = findMpegFrame(b, 0);
  if (!frame) throw corrupt(file.path, 'no valid MPEG audio frame header found');
  const { sampleRate, nbChannels } = frame.header;
  const nbFrames = mp3GaplessLength(b, frame.at, frame.header);
  return { format: 'mp3', sampleRate, nbChannels, nbFrames, bitsPerSample: null, sampleFormat: 'compressed' };
}

/**
 * @wasm-audio-decoders/flac divides integer samples by 2^(bits-1) - 1; we use 2^(bits-1) everywhere
 * (as WAV readers do), so recover the integer and rescale. Exact: |x*(2^(b-1)-1) - v| <= 0.25 for
 * b <= 24 (float32 rounding), checked bit-exact against WAV in tests.
 */
function rescaleFlac(block: Float32Array[], scale: number): void {
  const decoderScale = scale - 1;
  for (const ch of block) for (let i = 0; i < ch.length; i++) ch[i] = Math.round(ch[i] * decoderScale) / scale;
}

async function createDecoder(format: CompressedFormat): Promise<StreamDecoder> {
  switch (format) {
    case 'mp3': return decode.mp3();
    case 'flac': return decode.flac();
    case 'ogg': return decode.oga();
  }
}

/**
 * Opens a streaming reader for a FLAC/MP3/Ogg Vorbis file whose stream starts at byte `offset`
 * (after any ID3v2 tag). The reader owns (and closes) the handle.
 */
export async function createCompressedReader(file: InputFile, format: CompressedFormat, offset: number): Promise<AudioReader> {
  const info = format === 'flac' ? await flacInfo(file, offset) : format === 'ogg' ? await oggInfo(file, offset) : await mp3Info(file, offset);
  let decoder: StreamDecoder;
  try {
    decoder = await createDecoder(format);
  } catch (e) {
    throw new StemstreamError('SS_ERR_INTERNAL', `${file.path}: could not start the ${format} decoder`, { cause: e });
  }
  const { nbChannels } = info;
  const flacScale = format === 'flac' && info.bitsPerSample !== null ? 2 ** (info.bitsPerSample - 1) : null;
  // Decoded blocks not yet handed out; `headOffset` frames of queue[0] are already consumed.
  const queue: Float32Array[][] = [];
  let queued = 0;
  let headOffset = 0;
  // Feeding starts past any ID3v2 tag: at "fLaC", "OggS" or the first MPEG frame (which holds the LAME tag).
  let filePos = offset;
  let ended = false;
  let closed = false;
  let totalOut = 0;

  const enqueue = (channelData: Float32Array[], sampleRate: number): void => {
    const len = channelData[0]?.length ?? 0;
    if (len === 0) return;
    if (sampleRate !== info.sampleRate) {
      throw corrupt(file.path, `sample rate changes from ${info.sampleRate} Hz to ${sampleRate} Hz mid-stream`);
    }
    let block: Float32Array[];
    if (channelData.length === nbChannels) block = channelData;
    else if (channelData.length === 1) block = Array.from({ length: nbChannels }, (_, c) => (c === 0 ? channelData[0] : channelData[0].slice()));
    else if (channelData.length > nbChannels) block = channelData.slice(0, nbChannels);
    else throw corrupt(file.path, `decoder produced ${channelData.length} channels, header declares ${nbChannels}`);
    if (flacScale !== null) rescaleFlac(block, flacScale);
    queue.push(block);
    queued += len;
    totalOut += len;
  };

  const pump = async (): Promise<void> => {
    try {
      if (filePos < file.size) {
        const chunk = await file.readAt(filePos, FEED_BYTES);
        filePos += FEED_BYTES;
        if (chunk.length > 0) {
          const r = await decoder(chunk);
          enqueue(r.channelData, r.sampleRate);
        }
        return;
      }
      ended = true;
      const r = await decoder();
      enqueue(r.channelData, r.sampleRate);
    } catch (e) {
      ended = true;
      if (e instanceof StemstreamError) throw e;
      throw corrupt(file.path, `undecodable ${format} data near byte ${filePos}: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    if (ended && totalOut === 0) throw corrupt(file.path, `no decodable ${format} audio frames in the file`);
  };

  return {
    info,
    async read(maxFrames: number): Promise<Float32Array[] | null> {
      checkMaxFrames(maxFrames);
      if (closed) throw new StemstreamError('SS_ERR_INTERNAL', `${file.path}: read() after close()`);
      while (queued < maxFrames && !ended) await pump();
      const n = Math.min(maxFrames, queued);
      if (n === 0) return null;
      const out = Array.from({ length: nbChannels }, () => new Float32Array(n));
      let filled = 0;
      while (filled < n) {
        const block = queue[0];
        const take = Math.min(n - filled, block[0].length - headOffset);
        for (let c = 0; c < nbChannels; c++) out[c].set(block[c].subarray(headOffset, headOffset + take), filled);
        filled += take;
        headOffset += take;
        if (headOffset === block[0].length) { queue.shift(); headOffset = 0; }
      }
      queued -= n;
      return out;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!ended) decoder.free();
      queue.length = 0;
      await file.handle.close();
    },
  };
}
