/**
 * Binary WebSocket frames, server → client, for what changes many times a second.
 *
 * Header (8 bytes, little-endian): u8 magic 0x53 ('S'), u8 kind, u16 count, u32 sequence.
 *  - kind 1 METERS: count float32 values: the 12 mixer meters (linear, layout of
 *    engine/mixer/mixer-params.ts: strip*4 + kind*2 + channel) then the transport position (s).
 *  - kind 2 SPECTRUM: count = bands; u8[bands] mix magnitude (0..255 ↔ −96..0 dBFS), then
 *    u8[bands] instrument share (0..255 ↔ 0..1), low to high frequency (log-spaced bands).
 */
export const FRAME_MAGIC = 0x53;
export const FrameKind = { METERS: 1, SPECTRUM: 2 } as const;
export const FRAME_HEADER_BYTES = 8;
/** dB range the spectrum bytes cover. */
export const SPECTRUM_FLOOR_DB = -96;

function header(buf: ArrayBuffer, kind: number, count: number, seq: number): DataView {
  const v = new DataView(buf);
  v.setUint8(0, FRAME_MAGIC);
  v.setUint8(1, kind);
  v.setUint16(2, count, true);
  v.setUint32(4, seq >>> 0, true);
  return v;
}

/** METERS frame: `meters` (linear) followed by `positionS`. */
export function encodeMetersFrame(meters: Float32Array, positionS: number, seq: number): Uint8Array {
  const count = meters.length + 1;
  const buf = new ArrayBuffer(FRAME_HEADER_BYTES + 4 * count);
  header(buf, FrameKind.METERS, count, seq);
  const body = new Float32Array(buf, FRAME_HEADER_BYTES, count);
  body.set(meters);
  body[meters.length] = positionS;
  return new Uint8Array(buf);
}

/** SPECTRUM frame: magnitude in dBFS and mask in 0..1, `bands` values each, quantised to bytes. */
export function encodeSpectrumFrame(magnitudeDb: Float32Array, mask: Float32Array, seq: number): Uint8Array {
  const bands = magnitudeDb.length;
  const buf = new ArrayBuffer(FRAME_HEADER_BYTES + 2 * bands);
  header(buf, FrameKind.SPECTRUM, bands, seq);
  const body = new Uint8Array(buf, FRAME_HEADER_BYTES, 2 * bands);
  for (let b = 0; b < bands; b++) {
    const db = Number.isFinite(magnitudeDb[b]) ? magnitudeDb[b] : SPECTRUM_FLOOR_DB;
    body[b] = Math.round(255 * Math.min(1, Math.max(0, (db - SPECTRUM_FLOOR_DB) / -SPECTRUM_FLOOR_DB)));
    const m = Number.isFinite(mask[b]) ? mask[b] : 0;
    body[bands + b] = Math.round(255 * Math.min(1, Math.max(0, m)));
  }
  return new Uint8Array(buf);
}

export type DecodedFrame =
  | { kind: 'meters'; seq: number; meters: Float32Array; positionS: number }
  | { kind: 'spectrum'; seq: number; magnitudeDb: Float32Array; mask: Float32Array };

/** Decodes either kind (the UI's reader, and the tests'); null for anything malformed. */
export function decodeFrame(bytes: ArrayBuffer | Uint8Array): DecodedFrame | null {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteLength < FRAME_HEADER_BYTES) return null;
  const v = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (v.getUint8(0) !== FRAME_MAGIC) return null;
  const kind = v.getUint8(1);
  const count = v.getUint16(2, true);
  const seq = v.getUint32(4, true);
  if (kind === FrameKind.METERS) {
    if (u8.byteLength !== FRAME_HEADER_BYTES + 4 * count || count < 1) return null;
    const body = new Float32Array(count);
    for (let i = 0; i < count; i++) body[i] = v.getFloat32(FRAME_HEADER_BYTES + 4 * i, true);
    return { kind: 'meters', seq, meters: body.subarray(0, count - 1), positionS: body[count - 1] };
  }
  if (kind === FrameKind.SPECTRUM) {
    if (u8.byteLength !== FRAME_HEADER_BYTES + 2 * count) return null;
    const magnitudeDb = new Float32Array(count);
    const mask = new Float32Array(count);
    for (let b = 0; b < count; b++) {
      magnitudeDb[b] = SPECTRUM_FLOOR_DB + (-SPECTRUM_FLOOR_DB * u8[FRAME_HEADER_BYTES + b]) / 255;
      mask[b] = u8[FRAME_HEADER_BYTES + count + b] / 255;
    }
    return { kind: 'spectrum', seq, magnitudeDb, mask };
  }
  return null;
}
