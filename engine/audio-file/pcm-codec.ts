/**
 * Conversion between interleaved PCM bytes (little-endian, as stored in WAV) and planar float32.
 * Integers map to floats by dividing by 2^(bits-1) (8-bit is unsigned, offset 128), so 16- and 24-bit
 * values round-trip bit-exactly through float32. Writing clips to [-1, 1) and rounds to nearest,
 * without dither, so outputs are reproducible.
 */

export type PcmEncoding =
  | { kind: 'int'; bits: 8 | 16 | 24 | 32 }
  | { kind: 'float'; bits: 32 | 64 };

/** Bytes per sample of one channel. */
export function bytesPerSample(enc: PcmEncoding): number {
  return enc.bits / 8;
}

/**
 * Decodes `nbFrames` interleaved frames from `bytes` (starting at byteOffset 0) into planar float32.
 * @returns `nbChannels` arrays of `nbFrames` samples.
 */
export function decodePcm(bytes: Uint8Array, enc: PcmEncoding, nbChannels: number, nbFrames: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let c = 0; c < nbChannels; c++) out.push(new Float32Array(nbFrames));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bps = bytesPerSample(enc);
  const stride = bps * nbChannels;
  for (let c = 0; c < nbChannels; c++) {
    const dst = out[c];
    let p = c * bps;
    if (enc.kind === 'float') {
      if (enc.bits === 32) for (let i = 0; i < nbFrames; i++, p += stride) dst[i] = view.getFloat32(p, true);
      else for (let i = 0; i < nbFrames; i++, p += stride) dst[i] = view.getFloat64(p, true);
      continue;
    }
    switch (enc.bits) {
      case 8:
        for (let i = 0; i < nbFrames; i++, p += stride) dst[i] = (bytes[p] - 128) / 128;
        break;
      case 16:
        for (let i = 0; i < nbFrames; i++, p += stride) dst[i] = view.getInt16(p, true) / 32768;
        break;
      case 24:
        for (let i = 0; i < nbFrames; i++, p += stride) {
          // Sign-extend the 24-bit value by shifting it into the top of an int32.
          const v = ((bytes[p] << 8) | (bytes[p + 1] << 16) | (bytes[p + 2] << 24)) >> 8;
          dst[i] = v / 8388608;
        }
        break;
      case 32:
        for (let i = 0; i < nbFrames; i++, p += stride) dst[i] = view.getInt32(p, true) / 2147483648;
        break;
    }
  }
  return out;
}

/**
 * Quantises one float sample to a signed integer of `bits` bits: scale by 2^(bits-1), round to
 * nearest (ties away from zero), clamp to [-2^(bits-1), 2^(bits-1)-1]. NaN becomes 0.
 */
export function quantize(x: number, bits: 16 | 24): number {
  const scale = bits === 16 ? 32768 : 8388608;
  const v = x * scale;
  if (!(v === v)) return 0; // NaN
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  if (r > scale - 1) return scale - 1;
  if (r < -scale) return -scale;
  return r + 0; // -0 -> 0
}

/**
 * Encodes planar float32 `channels` (equal lengths) into interleaved little-endian bytes:
 * int16/int24 quantised with {@link quantize}, float32 written as is (unclipped).
 */
export function encodePcm(channels: Float32Array[], enc: { kind: 'int'; bits: 16 | 24 } | { kind: 'float'; bits: 32 }): Uint8Array {
  const nbChannels = channels.length;
  const nbFrames = nbChannels === 0 ? 0 : channels[0].length;
  const bps = enc.bits / 8;
  const out = new Uint8Array(nbFrames * nbChannels * bps);
  const view = new DataView(out.buffer);
  const stride = bps * nbChannels;
  for (let c = 0; c < nbChannels; c++) {
    const src = channels[c];
    let p = c * bps;
    if (enc.kind === 'float') {
      for (let i = 0; i < nbFrames; i++, p += stride) view.setFloat32(p, src[i], true);
    } else if (enc.bits === 16) {
      for (let i = 0; i < nbFrames; i++, p += stride) view.setInt16(p, quantize(src[i], 16), true);
    } else {
      for (let i = 0; i < nbFrames; i++, p += stride) {
        const v = quantize(src[i], 24);
        out[p] = v & 0xff;
        out[p + 1] = (v >> 8) & 0xff;
        out[p + 2] = (v >> 16) & 0xff;
      }
    }
  }
  return out;
}

/**
 * Quantises planar float32 into one interleaved Int32Array of right-justified `bits`-bit integers
 * (the layout libFLAC's `process_interleaved` expects).
 */
export function interleaveInt32(channels: Float32Array[], bits: 16 | 24): Int32Array<ArrayBuffer> {
  const nbChannels = channels.length;
  const nbFrames = nbChannels === 0 ? 0 : channels[0].length;
  const out = new Int32Array(nbFrames * nbChannels);
  for (let c = 0; c < nbChannels; c++) {
    const src = channels[c];
    for (let i = 0, p = c; i < nbFrames; i++, p += nbChannels) out[p] = quantize(src[i], bits);
  }
  return out;
}
