/** Signal checks shared by the sampled-instrument tests. */
import FFT from 'fft.js';

/** RMS of `x` between `from` and `to` seconds. */
export function rms(x: ArrayLike<number>, sampleRate: number, from: number, to: number): number {
  let s = 0, n = 0;
  for (let i = Math.round(from * sampleRate); i < Math.min(x.length, Math.round(to * sampleRate)); i++, n++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, n));
}

/** Frequency of the strongest bin in [lo, hi] Hz of an 8192-point spectrum from `from` seconds (parabolic interpolation). */
export function peakHz(x: ArrayLike<number>, sampleRate: number, from: number, lo: number, hi: number): number {
  const n = 8192;
  const fft = new FFT(n);
  const input = new Array<number>(n).fill(0);
  const at = Math.round(from * sampleRate);
  for (let i = 0; i < n; i++) input[i] = (x[at + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const out = fft.createComplexArray();
  fft.realTransform(out, input);
  const mag = (k: number): number => Math.log(Math.hypot(out[2 * k], out[2 * k + 1]) + 1e-12);
  let best = Math.ceil((lo * n) / sampleRate);
  for (let k = best; k <= Math.floor((hi * n) / sampleRate); k++) if (mag(k) > mag(best)) best = k;
  const [a, b, c] = [mag(best - 1), mag(best), mag(best + 1)];
  return ((best + (0.5 * (a - c)) / (a - 2 * b + c)) * sampleRate) / n;
}
