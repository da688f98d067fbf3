import FFT from 'fft.js';
import { StemstreamError } from '../errors.js';

const SQRT3_2 = Math.sqrt(3) / 2;

/** True when `n` is a power of two (n ≥ 1). */
function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/**
 * Real-input FFT for sizes 2^k (k ≥ 2) and 3·2^k (k ≥ 2), e.g. 1536 = 3·512, the model's n_fft.
 *
 * How: the real signal of length N is packed as a complex signal z[n] = x[2n] + i·x[2n+1] of
 * length M = N/2, transformed with one complex FFT of size M, then split into the N/2+1 bins of
 * the real spectrum. The size-M complex FFT is fft.js directly when M is a power of two, or a
 * radix-3 decimation-in-time stage on top of three fft.js transforms of size M/3. The inverse
 * runs the same steps backwards, using the conjugation trick IFFT(Z) = conj(FFT(conj(Z)))/M so
 * that only forward transforms are needed.
 *
 * Sign convention: forward X[k] = Σ x[n]·e^{-2πi·kn/N} (numpy / torch); inverse scaled by 1/N so
 * inverse(forward(x)) = x.
 *
 * Real-time safe: all scratch is allocated in the constructor; forward/inverse allocate nothing.
 * An instance is not re-entrant (shared scratch): use one per thread / per concurrent user.
 */
export class RealFft {
  /** Transform length N (real samples). */
  readonly size: number;
  /** Number of bins of the one-sided spectrum, N/2 + 1. */
  readonly nbBins: number;

  /** Complex FFT length M = N/2. */
  private readonly half: number;
  /** M/3 when the radix-3 stage is used, else 0. */
  private readonly third: number;
  /** fft.js instance of size M (power of two) or M/3 (radix-3). */
  private readonly sub: FFT;
  /** Interleaved complex scratch of length 2M: input and output of the size-M complex FFT. */
  private readonly zIn: Float64Array;
  private readonly zOut: Float64Array;
  /** Radix-3 scratch: three decimated inputs / outputs, interleaved complex, 2·(M/3) each. */
  private readonly subIn: Float64Array[];
  private readonly subOut: Float64Array[];
  /** e^{-2πik/N} for k = 0..M (real split twiddles). */
  private readonly splitRe: Float64Array;
  private readonly splitIm: Float64Array;
  /** e^{-2πik/M} and e^{-4πik/M} for k = 0..M/3-1 (radix-3 twiddles). */
  private readonly r3Re1: Float64Array;
  private readonly r3Im1: Float64Array;
  private readonly r3Re2: Float64Array;
  private readonly r3Im2: Float64Array;

  /** @throws StemstreamError SS_ERR_BAD_OPTION when `size` is not 2^k or 3·2^k with k ≥ 2. */
  constructor(size: number) {
    if (!RealFft.isSupportedSize(size)) {
      throw new StemstreamError(
        'SS_ERR_BAD_OPTION',
        `FFT size ${size} is not supported: use a power of two (≥ 4) or 3 times a power of two (≥ 12), e.g. 1536 or 2048`,
      );
    }
    this.size = size;
    this.nbBins = size / 2 + 1;
    const m = size / 2;
    this.half = m;
    this.third = isPowerOfTwo(m) ? 0 : m / 3;
    this.sub = new FFT(this.third === 0 ? m : this.third);
    this.zIn = new Float64Array(2 * m);
    this.zOut = new Float64Array(2 * m);

    this.splitRe = new Float64Array(m + 1);
    this.splitIm = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      const a = (-2 * Math.PI * k) / size;
      this.splitRe[k] = Math.cos(a);
      this.splitIm[k] = Math.sin(a);
    }

    const l = this.third;
    this.subIn = [];
    this.subOut = [];
    this.r3Re1 = new Float64Array(l);
    this.r3Im1 = new Float64Array(l);
    this.r3Re2 = new Float64Array(l);
    this.r3Im2 = new Float64Array(l);
    if (l > 0) {
      for (let r = 0; r < 3; r++) {
        this.subIn.push(new Float64Array(2 * l));
        this.subOut.push(new Float64Array(2 * l));
      }
      for (let k = 0; k < l; k++) {
        const a = (-2 * Math.PI * k) / m;
        this.r3Re1[k] = Math.cos(a);
        this.r3Im1[k] = Math.sin(a);
        this.r3Re2[k] = Math.cos(2 * a);
        this.r3Im2[k] = Math.sin(2 * a);
      }
    }
  }

  /** Whether `size` is 2^k (k ≥ 2) or 3·2^k (k ≥ 2). */
  static isSupportedSize(size: number): boolean {
    if (!Number.isInteger(size) || size < 4) return false;
    if (isPowerOfTwo(size)) return true;
    return size % 3 === 0 && size >= 12 && isPowerOfTwo(size / 3);
  }

  /**
   * One-sided forward transform.
   * @param input real signal, length `size` (only the first `size` values are read)
   * @param outRe real parts of bins 0..size/2, length ≥ size/2+1
   * @param outIm imaginary parts of bins 0..size/2 (bins 0 and size/2 get exactly 0)
   */
  forward(input: Float32Array | Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const m = this.half;
    const z = this.zOut;
    if (this.third === 0) {
      // The real input read as interleaved complex pairs *is* z[n] = x[2n] + i·x[2n+1].
      this.sub.transform(z, input);
    } else {
      this.radix3(input, z);
    }
    const sRe = this.splitRe;
    const sIm = this.splitIm;
    for (let k = 0; k <= m; k++) {
      const k0 = k === m ? 0 : k;
      const kc = k === 0 ? 0 : m - k;
      const zr = z[2 * k0];
      const zi = z[2 * k0 + 1];
      const cr = z[2 * kc];
      const ci = -z[2 * kc + 1];
      // Even part E = (Z[k] + conj Z[M-k]) / 2, odd part O = (Z[k] - conj Z[M-k]) / 2i.
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = sRe[k];
      const wi = sIm[k];
      outRe[k] = er + wr * or - wi * oi;
      outIm[k] = ei + wr * oi + wi * or;
    }
    // Exact zeros where the spectrum of a real signal is real.
    outIm[0] = 0;
    outIm[m] = 0;
  }

  /**
   * One-sided inverse transform, scaled by 1/size. Like numpy.fft.irfft, the imaginary parts of
   * bins 0 and size/2 are ignored.
   * @param re real parts of bins 0..size/2, length ≥ size/2+1
   * @param im imaginary parts of bins 0..size/2
   * @param out real signal, length ≥ `size` (first `size` values written)
   */
  inverse(re: Float64Array, im: Float64Array, out: Float32Array | Float64Array): void {
    const m = this.half;
    const zin = this.zIn;
    const sRe = this.splitRe;
    const sIm = this.splitIm;
    for (let k = 0; k < m; k++) {
      const ar = re[k];
      const ai = k === 0 ? 0 : im[k];
      const br = re[m - k];
      const bi = k === 0 ? 0 : -im[m - k]; // conj X[M-k]; im[M] is ignored
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      // O = D · conj(e^{-2πik/N})
      const wr = sRe[k];
      const wi = -sIm[k];
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      // Z = E + i·O, stored conjugated for the forward-FFT inverse trick.
      zin[2 * k] = er - oi;
      zin[2 * k + 1] = -(ei + or);
    }
    const z = this.zOut;
    if (this.third === 0) this.sub.transform(z, zin);
    else this.radix3(zin, z);
    const scale = 1 / m;
    for (let n = 0; n < m; n++) {
      out[2 * n] = z[2 * n] * scale;
      out[2 * n + 1] = -z[2 * n + 1] * scale;
    }
  }

  /** Forward complex FFT of size M = 3L (interleaved `src` of length 2M) into `dst`. */
  private radix3(src: Float32Array | Float64Array, dst: Float64Array): void {
    const l = this.third;
    const in0 = this.subIn[0];
    const in1 = this.subIn[1];
    const in2 = this.subIn[2];
    for (let j = 0; j < l; j++) {
      const s = 6 * j;
      in0[2 * j] = src[s];
      in0[2 * j + 1] = src[s + 1];
      in1[2 * j] = src[s + 2];
      in1[2 * j + 1] = src[s + 3];
      in2[2 * j] = src[s + 4];
      in2[2 * j + 1] = src[s + 5];
    }
    const a = this.subOut[0];
    const b = this.subOut[1];
    const c = this.subOut[2];
    this.sub.transform(a, in0);
    this.sub.transform(b, in1);
    this.sub.transform(c, in2);
    const w1r = this.r3Re1;
    const w1i = this.r3Im1;
    const w2r = this.r3Re2;
    const w2i = this.r3Im2;
    for (let k = 0; k < l; k++) {
      const ar = a[2 * k];
      const ai = a[2 * k + 1];
      const br0 = b[2 * k];
      const bi0 = b[2 * k + 1];
      const cr0 = c[2 * k];
      const ci0 = c[2 * k + 1];
      const br = br0 * w1r[k] - bi0 * w1i[k];
      const bi = br0 * w1i[k] + bi0 * w1r[k];
      const cr = cr0 * w2r[k] - ci0 * w2i[k];
      const ci = cr0 * w2i[k] + ci0 * w2r[k];
      const sr = br + cr;
      const si = bi + ci;
      const dr = br - cr;
      const di = bi - ci;
      const mr = ar - 0.5 * sr;
      const mi = ai - 0.5 * si;
      dst[2 * k] = ar + sr;
      dst[2 * k + 1] = ai + si;
      // ω = e^{-2πi/3}: X[k+L] = A + ωB' + ω²C', X[k+2L] = A + ω²B' + ωC'.
      dst[2 * (k + l)] = mr + SQRT3_2 * di;
      dst[2 * (k + l) + 1] = mi - SQRT3_2 * dr;
      dst[2 * (k + 2 * l)] = mr - SQRT3_2 * di;
      dst[2 * (k + 2 * l) + 1] = mi + SQRT3_2 * dr;
    }
  }
}
