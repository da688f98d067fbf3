import FFT from 'fft.js';

/**
 * Power-of-two FFT helper for real signals (float64). Spectra are full complex spectra,
 * interleaved `[re0, im0, re1, im1, …]`, length 2·size, unnormalised forward transform
 * (numpy/scipy convention); `inverseReal` divides by size like numpy's ifft.
 */
export class RealFft {
  readonly size: number;
  private readonly fft: FFT;
  private readonly padded: Float64Array;
  private readonly scratch: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) {
      throw new RangeError(`FFT size must be a power of two ≥ 2, got ${size}`);
    }
    this.size = size;
    this.fft = new FFT(size);
    this.padded = new Float64Array(size);
    this.scratch = new Float64Array(2 * size);
  }

  /** Spectrum of `x` zero-padded (or truncated) to `size` samples; a new array of length 2·size. */
  forward(x: ArrayLike<number>): Float64Array {
    const n = Math.min(x.length, this.size);
    this.padded.fill(0);
    for (let i = 0; i < n; i++) this.padded[i] = x[i];
    const out = new Float64Array(2 * this.size);
    this.fft.realTransform(out, this.padded);
    this.fft.completeSpectrum(out);
    return out;
  }

  /** Real part of the inverse transform of `spectrum` (length 2·size), first `length` samples. */
  inverseReal(spectrum: Float64Array, length = this.size): Float64Array {
    this.fft.inverseTransform(this.scratch, spectrum);
    const out = new Float64Array(Math.min(length, this.size));
    for (let i = 0; i < out.length; i++) out[i] = this.scratch[2 * i];
    return out;
  }

  /**
   * Circular cross-correlation r[k] = Σ_t a[t+k]·b[t] (indices mod size) from the two spectra:
   * ifft(A·conj(B)). Returns all `size` lags; negative lag −k sits at index size−k.
   */
  crossCorrelation(specA: Float64Array, specB: Float64Array): Float64Array {
    const prod = new Float64Array(2 * this.size);
    for (let i = 0; i < prod.length; i += 2) {
      const ar = specA[i];
      const ai = specA[i + 1];
      const br = specB[i];
      const bi = specB[i + 1];
      prod[i] = ar * br + ai * bi;
      prod[i + 1] = ai * br - ar * bi;
    }
    return this.inverseReal(prod);
  }
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}
