/**
 * RIFF/WAVE header parsing (reading) and building (writing). Reading walks the chunk list through a
 * random-access callback, so odd chunks (LIST, fact, bext, JUNK, ...) before `data` are skipped without
 * loading them, and nothing but the header is read here.
 */
import { StemstreamError } from '../errors.js';
import type { PcmEncoding } from './pcm-codec.js';

export interface WavLayout {
  encoding: PcmEncoding;
  sampleRate: number;
  nbChannels: number;
  /** Bytes per frame (all channels). */
  blockAlign: number;
  /** Absolute file offset of the first sample byte. */
  dataOffset: number;
  /** Whole frames that can be read from the data chunk. */
  nbFrames: number;
  warnings: string[];
}

/** Reads up to `length` bytes at `position`; fewer at end of file. */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

const MIN_RATE = 1000;
const MAX_RATE = 1_536_000;
const MAX_CHANNELS = 256;
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// Streaming writers leave the data size at 0 or 0xFFFFFFFF until they finish (or forever).
const SIZE_UNKNOWN = 0xffffffff;

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'MS ADPCM', 0x0006: 'A-law', 0x0007: 'mu-law', 0x0011: 'IMA ADPCM', 0x0055: 'MPEG layer 3', 0x0050: 'MPEG',
};

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

function corrupt(file: string, what: string): StemstreamError {
  return new StemstreamError('SS_ERR_CORRUPT_AUDIO', `${file}: corrupt WAV file: ${what}`);
}

interface FmtChunk { formatTag: number; nbChannels: number; sampleRate: number; blockAlign: number; bits: number }

function parseFmt(b: Uint8Array, file: string): FmtChunk {
  if (b.length < 16) throw corrupt(file, `fmt chunk is ${b.length} bytes, expected at least 16`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let formatTag = v.getUint16(0, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    // The real format code is the first two bytes of the SubFormat GUID at offset 24.
    if (b.length < 40) throw corrupt(file, `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${b.length} bytes, expected 40`);
    formatTag = v.getUint16(24, true);
  }
  return { formatTag, nbChannels: v.getUint16(2, true), sampleRate: v.getUint32(4, true), blockAlign: v.getUint16(12, true), bits: v.getUint16(14, true) };
}

function encodingOf(fmt: FmtChunk, file: string): { encoding: PcmEncoding; blockAlign: number } {
  const { formatTag, nbChannels, bits } = fmt;
  if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits !== 32 && bits !== 64) throw corrupt(file, `float samples of ${bits} bits (expected 32 or 64)`);
    return { encoding: { kind: 'float', bits }, blockAlign: (nbChannels * bits) / 8 };
  }
  if (formatTag === WAVE_FORMAT_PCM) {
    if (bits < 1 || bits > 32) throw corrupt(file, `${bits} bits per sample`);
    // Samples of e.g. 20 valid bits sit left-justified in a 24-bit container: decode by the container.
    let container = Math.ceil(bits / 8) * 8;
    if (fmt.blockAlign !== (nbChannels * container) / 8 && fmt.blockAlign % nbChannels === 0) {
      const fromAlign = (fmt.blockAlign / nbChannels) * 8;
      if (fromAlign === 8 || fromAlign === 16 || fromAlign === 24 || fromAlign === 32) container = fromAlign;
    }
    return { encoding: { kind: 'int', bits: container as 8 | 16 | 24 | 32 }, blockAlign: (nbChannels * container) / 8 };
  }
  const name = FORMAT_NAMES[formatTag] ?? 'unknown';
  throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO',
    `${file}: WAV sample format 0x${formatTag.toString(16).padStart(4, '0')} (${name}) is not supported; only PCM integer and IEEE float are`);
}

/**
 * Parses the RIFF/WAVE header of `file` (`fileSize` bytes) and locates its sample data.
 * A data chunk that declares 0 or 0xFFFFFFFF bytes (unfinished streaming writer) is read to end of file;
 * one that declares more than the file holds is read as far as it goes, with a warning.
 * @throws StemstreamError SS_ERR_CORRUPT_AUDIO (truncated header, 0 channels, absurd rate, no data),
 *   SS_ERR_UNSUPPORTED_AUDIO (compressed WAV codecs).
 */
export async function parseWavHeader(readAt: ReadAt, fileSize: number, file: string): Promise<WavLayout> {
  const riff = await readAt(0, 12);
  if (riff.length < 12) throw corrupt(file, `file is ${fileSize} bytes, too short for a RIFF header`);
  let fmt: FmtChunk | null = null;
  let pos = 12;
  for (;;) {
    const hdr = await readAt(pos, 8);
    if (hdr.length < 8) {
      throw corrupt(file, fmt ? 'no data chunk' : `header truncated at byte ${pos} before the fmt chunk`);
    }
    const id = fourcc(hdr, 0);
    const size = new DataView(hdr.buffer, hdr.byteOffset, 8).getUint32(4, true);
    if (id === 'fmt ') {
      const body = await readAt(pos + 8, Math.min(size, 4096));
      if (body.length < Math.min(size, 16)) throw corrupt(file, 'fmt chunk truncated');
      fmt = parseFmt(body, file);
    } else if (id === 'data') {
      if (!fmt) throw corrupt(file, 'data chunk comes before the fmt chunk');
      return layoutFor(fmt, pos + 8, size, fileSize, file);
    }
    // Chunks are padded to an even size.
    pos += 8 + size + (size & 1);
  }
}

function layoutFor(fmt: FmtChunk, dataOffset: number, declared: number, fileSize: number, file: string): WavLayout {
  if (fmt.nbChannels === 0) throw corrupt(file, 'fmt chunk declares 0 channels');
  if (fmt.nbChannels > MAX_CHANNELS) throw corrupt(file, `fmt chunk declares ${fmt.nbChannels} channels`);
  if (fmt.sampleRate < MIN_RATE || fmt.sampleRate > MAX_RATE) throw corrupt(file, `absurd sample rate ${fmt.sampleRate} Hz`);
  const { encoding, blockAlign } = encodingOf(fmt, file);
  const warnings: string[] = [];
  const available = Math.max(0, fileSize - dataOffset);
  let dataBytes = declared;
  if (declared === 0 || declared === SIZE_UNKNOWN) {
    dataBytes = available;
  } else if (declared > available) {
    warnings.push(`${file}: data chunk declares ${declared} bytes but only ${available} are present (file truncated); reading what is there`);
    dataBytes = available;
  }
  return { encoding, sampleRate: fmt.sampleRate, nbChannels: fmt.nbChannels, blockAlign, dataOffset, nbFrames: Math.floor(dataBytes / blockAlign), warnings };
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/**
 * Builds a complete WAV header for `nbFrames` frames of int16/int24/float32 audio. PCM mono/stereo
 * uses the plain 16-byte fmt chunk; float adds the `fact` chunk the spec requires; more than two
 * channels use WAVE_FORMAT_EXTENSIBLE (channel mask 0 = no speaker positions). The header length
 * depends only on the format, so a writer can rewrite it in place with the final sizes.
 */
export function buildWavHeader(opts: { float: boolean; bits: 16 | 24 | 32; sampleRate: number; nbChannels: number; nbFrames: number }): Uint8Array {
  const { float, bits, sampleRate, nbChannels, nbFrames } = opts;
  const extensible = nbChannels > 2;
  const fmtSize = extensible ? 40 : float ? 18 : 16;
  const factSize = float ? 12 : 0;
  const blockAlign = (nbChannels * bits) / 8;
  const dataBytes = nbFrames * blockAlign;
  const headerBytes = 12 + 8 + fmtSize + factSize + 8;
  const b = new Uint8Array(headerBytes);
  const v = new DataView(b.buffer);
  const put = (at: number, s: string): void => { for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i); };
  put(0, 'RIFF');
  // RIFF size is capped: a file over 4 GiB cannot be described, the writer refuses to grow that far.
  v.setUint32(4, Math.min(SIZE_UNKNOWN, headerBytes - 8 + dataBytes), true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  const tag = float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM;
  v.setUint16(20, extensible ? WAVE_FORMAT_EXTENSIBLE : tag, true);
  v.setUint16(22, nbChannels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  let p = 36;
  if (fmtSize >= 18) { v.setUint16(p, fmtSize - 18, true); p += 2; }
  if (extensible) {
    v.setUint16(p, bits, true); // valid bits
    v.setUint32(p + 2, 0, true); // channel mask
    v.setUint16(p + 6, tag, true);
    b.set(GUID_TAIL, p + 8);
    p += 22;
  }
  if (float) {
    put(p, 'fact');
    v.setUint32(p + 4, 4, true);
    v.setUint32(p + 8, Math.min(SIZE_UNKNOWN, nbFrames), true);
    p += 12;
  }
  put(p, 'data');
  v.setUint32(p + 4, Math.min(SIZE_UNKNOWN, dataBytes), true);
  return b;
}
