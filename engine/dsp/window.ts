import { StemstreamError } from '../errors.js';

/**
 * Periodic Hann window of length `n` (scipy `hann(n, sym=False)`, librosa's `'hann'` with
 * `fftbins=True`, `torch.hann_window(n, periodic=True)`): w[i] = 0.5 − 0.5·cos(2πi/n).
 * Computed in float64, stored as float32. w[0] = 0.
 * @throws StemstreamError SS_ERR_BAD_OPTION when n is not a positive integer.
 */
export function hannPeriodic(n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `window length must be a positive integer, got ${n}`);
  }
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
