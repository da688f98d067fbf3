import { RealFft } from './fft.js';
import { hannPeriodic } from './window.js';
import type { StftParams } from './stft-params.js';

/**
 * One STFT frame forwards (window → FFT) and backwards (inverse FFT → window). The offline and
 * streaming transforms both go through this class so their results are bit-identical.
 * Allocation-free after construction; not re-entrant (shared scratch).
 */
export class FrameTransform {
  readonly nFft: number;
  readonly nbBins: number;
  /** Periodic Hann window, float32 like torch.hann_window. */
  readonly window: Float32Array;
  /** Squared window, float64, summed by the overlap-add normaliser. */
  readonly windowSquared: Float64Array;
  private readonly fft: RealFft;
  private readonly time: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(p: StftParams) {
    this.nFft = p.nFft;
    this.nbBins = p.nFft / 2 + 1;
    this.window = hannPeriodic(p.nFft);
    this.windowSquared = new Float64Array(p.nFft);
    for (let i = 0; i < p.nFft; i++) this.windowSquared[i] = this.window[i] * this.window[i];
    this.fft = new RealFft(p.nFft);
    this.time = new Float64Array(p.nFft);
    this.re = new Float64Array(this.nbBins);
    this.im = new Float64Array(this.nbBins);
  }

  /**
   * Window `src[srcOffset .. srcOffset+nFft)` and transform it; writes nbBins values to
   * `outRe/outIm[outOffset ..]` (float32, unnormalised like torch.stft).
   */
  analyse(src: Float32Array, srcOffset: number, outRe: Float32Array, outIm: Float32Array, outOffset: number): void {
    const n = this.nFft;
    const w = this.window;
    const t = this.time;
    for (let i = 0; i < n; i++) t[i] = src[srcOffset + i] * w[i];
    this.fft.forward(t, this.re, this.im);
    const re = this.re;
    const im = this.im;
    for (let k = 0; k < this.nbBins; k++) {
      outRe[outOffset + k] = re[k];
      outIm[outOffset + k] = im[k];
    }
  }

  /**
   * Inverse-transform the nbBins values at `re/im[inOffset ..]` and multiply by the window:
   * writes nFft float64 samples to `out` (the frame's overlap-add contribution).
   */
  synthesise(re: Float32Array, im: Float32Array, inOffset: number, out: Float64Array): void {
    const fr = this.re;
    const fi = this.im;
    for (let k = 0; k < this.nbBins; k++) {
      fr[k] = re[inOffset + k];
      fi[k] = im[inOffset + k];
    }
    this.fft.inverse(fr, fi, out);
    const w = this.window;
    for (let i = 0; i < this.nFft; i++) out[i] *= w[i];
  }
}

/** Smallest positive normal float32: librosa's `util.tiny` threshold for the window-sum division. */
export const WINDOW_SUM_TINY = 1.1754943508222875e-38;
