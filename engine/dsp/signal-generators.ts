/**
 * Small deterministic signal generators for tests and benchmarks (mono, float32, unit-free
 * sample values). Not for production audio paths: every call allocates its result.
 */

/** mulberry32 seeded PRNG: returns a function yielding uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform white noise in [−amplitude, amplitude), `length` samples, reproducible from `seed`. */
export function whiteNoise(length: number, seed: number, amplitude = 1): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = amplitude * (2 * rand() - 1);
  return x;
}

/** Sine of `frequencyHz` at `sampleRateHz`, `length` samples, starting at `phaseRad`. */
export function sine(length: number, frequencyHz: number, sampleRateHz: number, amplitude = 1, phaseRad = 0): Float32Array {
  const x = new Float32Array(length);
  const w = (2 * Math.PI * frequencyHz) / sampleRateHz;
  for (let i = 0; i < length; i++) x[i] = amplitude * Math.sin(w * i + phaseRad);
  return x;
}

/** Linear chirp sweeping `f0Hz` → `f1Hz` over `length` samples at `sampleRateHz`. */
export function chirp(length: number, f0Hz: number, f1Hz: number, sampleRateHz: number, amplitude = 1): Float32Array {
  const x = new Float32Array(length);
  const durationS = length / sampleRateHz;
  const k = (f1Hz - f0Hz) / durationS;
  for (let i = 0; i < length; i++) {
    const t = i / sampleRateHz;
    x[i] = amplitude * Math.sin(2 * Math.PI * (f0Hz * t + 0.5 * k * t * t));
  }
  return x;
}

/** Unit impulse of `amplitude` at sample `position` in an otherwise silent signal of `length`. */
export function impulse(length: number, position: number, amplitude = 1): Float32Array {
  const x = new Float32Array(length);
  if (position >= 0 && position < length) x[position] = amplitude;
  return x;
}
