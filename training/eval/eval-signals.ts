/**
 * Seeded test-signal generators shared by the eval tests (not part of the public API).
 * All signals are mono Float64Array, amplitude roughly ±1.
 */

/** mulberry32: small, fast, seeded uniform PRNG in [0, 1) (the engine's test generator). */
export { mulberry32 as seededRandom } from '../../engine/dsp/signal-generators.js';

/** Gaussian white noise (Box–Muller), `length` samples, standard deviation `std`. */
export function noise(rand: () => number, length: number, std = 1): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = std * Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Sum of sines: `partials` = [frequencyHz, amplitude, phaseRad][]. */
export function sines(length: number, sampleRate: number, partials: [number, number, number][]): Float64Array {
  const out = new Float64Array(length);
  for (const [f, a, p] of partials) {
    const w = (2 * Math.PI * f) / sampleRate;
    for (let i = 0; i < length; i++) out[i] += a * Math.sin(w * i + p);
  }
  return out;
}

/** Linear chirp from f0 to f1 Hz over the signal. */
export function chirp(length: number, sampleRate: number, f0: number, f1: number, amp = 0.5): Float64Array {
  const out = new Float64Array(length);
  const dur = length / sampleRate;
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    out[i] = amp * Math.sin(2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * dur)));
  }
  return out;
}

/** One-pole low-pass y[n] = (1−a)·x[n] + a·y[n−1]; `highPass` returns x − lowpass(x). */
export function onePole(x: Float64Array, a: number, highPass = false): Float64Array {
  const out = new Float64Array(x.length);
  let y = 0;
  for (let i = 0; i < x.length; i++) {
    y = (1 - a) * x[i] + a * y;
    out[i] = highPass ? x[i] - y : y;
  }
  return out;
}

/** Causal FIR filter (taps[0] is the zero-delay tap), output truncated to the input length. */
export function fir(x: Float64Array, taps: number[]): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    for (let k = 0; k < taps.length && k <= i; k++) s += taps[k] * x[i - k];
    out[i] = s;
  }
  return out;
}

/** Σ gains[i]·signals[i]. */
export function mix(signals: Float64Array[], gains: number[]): Float64Array {
  const out = new Float64Array(signals[0].length);
  signals.forEach((s, i) => {
    for (let t = 0; t < out.length; t++) out[t] += gains[i] * s[t];
  });
  return out;
}

/** Element-wise sum. */
export function add(...signals: Float64Array[]): Float64Array {
  return mix(signals, signals.map(() => 1));
}
