/**
 * MPEG audio (MP3) frame headers and the Xing/Info + LAME tag that gapless decoders use.
 * Pure functions over bytes.
 */

export interface MpegFrameHeader {
  /** 1, 2 or 2.5 */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  nbChannels: 1 | 2;
  /** Bytes of the whole frame including the header. */
  frameBytes: number;
}

const BITRATES_KBPS: Record<string, number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<string, number[]> = { '1': [44100, 48000, 32000], '2': [22050, 24000, 16000], '2.5': [11025, 12000, 8000] };

/** Parses an MPEG audio frame header at `at`; null when the 4 bytes are not a valid header. */
export function parseMpegHeader(b: Uint8Array, at: number): MpegFrameHeader | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return null;
  const v = (b[at + 1] >> 3) & 3;
  const l = (b[at + 1] >> 1) & 3;
  const brIndex = b[at + 2] >> 4;
  const srIndex = (b[at + 2] >> 2) & 3;
  // Reserved version/layer, free-format or bad bitrate, reserved rate: not a header we accept.
  if (v === 1 || l === 0 || brIndex === 0 || brIndex === 15 || srIndex === 3) return null;
  const version = v === 3 ? 1 : v === 2 ? 2 : 2.5;
  const layer = (4 - l) as 1 | 2 | 3;
  const kbps = BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`][brIndex];
  const sampleRate = RATES[String(version)][srIndex];
  const padding = (b[at + 2] >> 1) & 1;
  let frameBytes: number;
  if (layer === 1) frameBytes = (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4;
  else if (layer === 3 && version !== 1) frameBytes = Math.floor((72 * kbps * 1000) / sampleRate) + padding;
  else frameBytes = Math.floor((144 * kbps * 1000) / sampleRate) + padding;
  return { version, layer, sampleRate, nbChannels: b[at + 3] >> 6 === 3 ? 1 : 2, frameBytes };
}

/**
 * Finds the first MPEG audio frame at or after `from` that is followed by a second consistent frame
 * (or by the end of the bytes we have, for tiny files); null when there is none within `b`.
 */
export function findMpegFrame(b: Uint8Array, from: number): { at: number; header: MpegFrameHeader } | null {
  for (let at = from; at + 4 <= b.length; at++) {
    const h = parseMpegHeader(b, at);
    if (!h) continue;
    const next = at + h.frameBytes;
    if (next + 4 > b.length) {
      // Cannot confirm with a second frame: accept only a frame right at the stream start.
      if (at === from) return { at, header: h };
      continue;
    }
    const h2 = parseMpegHeader(b, next);
    if (h2 && h2.version === h.version && h2.layer === h.layer && h2.sampleRate === h.sampleRate) return { at, header: h };
  }
  return null;
}

/** Samples per frame for a version/layer. */
export function samplesPerFrame(h: MpegFrameHeader): number {
  if (h.layer === 1) return 384;
  if (h.layer === 2 || h.version === 1) return 1152;
  return 576;
}

/**
 * Decoded length (frames) of a gapless MP3 from the Xing/Info tag in its first frame at `at` and the
 * LAME tag that follows it: frames * samplesPerFrame - encoder delay - end padding. That is what
 * mpg123 outputs in gapless mode. Null when there is no such tag (length unknown without decoding).
 */
export function mp3GaplessLength(b: Uint8Array, at: number, h: MpegFrameHeader): number | null {
  // The Xing tag sits right after the side information, whose size depends on version and channels.
  const side = h.version === 1 ? (h.nbChannels === 1 ? 17 : 32) : h.nbChannels === 1 ? 9 : 17;
  let p = at + 4 + side;
  if (p + 8 > b.length) return null;
  const id = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
  if (id !== 'Xing' && id !== 'Info') return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const flags = v.getUint32(p + 4, false);
  p += 8;
  if (!(flags & 1)) return null;
  const nbMpegFrames = v.getUint32(p, false);
  p += 4;
  if (flags & 2) p += 4; // byte count
  if (flags & 4) p += 100; // seek table
  if (flags & 8) p += 4; // quality
  if (p + 24 > b.length) return null;
  const encoder = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
  if (encoder !== 'LAME' && encoder !== 'Lavc' && encoder !== 'Lavf') return null;
  // 12 bits encoder delay, 12 bits end padding, at byte 21 of the LAME tag.
  const delay = (b[p + 21] << 4) | (b[p + 22] >> 4);
  const padding = ((b[p + 22] & 0x0f) << 8) | b[p + 23];
  const total = nbMpegFrames * samplesPerFrame(h) - delay - padding;
  return total > 0 ? total : null;
}
