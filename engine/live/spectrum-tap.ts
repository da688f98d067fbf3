/**
 * A small picture of what the separator does, for the UI: the mix spectrum and the share of it
 * that is the instrument, in SPECTRUM_BANDS log-spaced bands, published in shared memory by the
 * DSP thread about 30 times a second. It is analysis for display only, not the model's mask
 * itself: mask[band] = sqrt(E_instrument / E_mix), from the separated stems.
 *
 * Shared layout (one SharedArrayBuffer, single writer = DSP thread, any number of readers):
 *   Int32[0]  sequence number, bumped (Atomics.store) after each column is written;
 *   Float32 from byte 8: magnitudeDb[SPECTRUM_BANDS] (dBFS of the mix), mask[SPECTRUM_BANDS] (0..1).
 * A reader may see a column half-updated; for a display that is harmless.
 */
import { RealFft } from '../dsp/index.js';

export const SPECTRUM_BANDS = 128;
export const SPECTRUM_FFT = 2048;
const HEADER_BYTES = 8;
const LOW_HZ = 40;

export function spectrumBufferBytes(bands = SPECTRUM_BANDS): number {
  return HEADER_BYTES + bands * 2 * 4;
}

/** Reader side (control thread): copies the latest column into caller-owned arrays. */
export class SpectrumView {
  private readonly seq: Int32Array;
  private readonly data: Float32Array;
  constructor(
    buf: SharedArrayBuffer,
    readonly bands = SPECTRUM_BANDS,
  ) {
    this.seq = new Int32Array(buf, 0, 1);
    this.data = new Float32Array(buf, HEADER_BYTES, bands * 2);
  }

  /** Sequence number of the latest column (0: none yet). */
  get sequence(): number {
    return Atomics.load(this.seq, 0);
  }

  /** magnitudeDb and mask: `bands` floats each. Returns the sequence number read. */
  read(magnitudeDb: Float32Array, mask: Float32Array): number {
    const s = Atomics.load(this.seq, 0);
    magnitudeDb.set(this.data.subarray(0, this.bands));
    mask.set(this.data.subarray(this.bands, 2 * this.bands));
    return s;
  }
}

/**
 * Writer side (DSP thread). `push` takes each output block (planar stereo instrument and rest);
 * every `periodFrames` it runs two FFTs over the last SPECTRUM_FFT frames. Allocates only in
 * the constructor.
 */
export class SpectrumTap {
  private readonly seq: Int32Array;
  private readonly data: Float32Array;
  private readonly fft = new RealFft(SPECTRUM_FFT);
  private readonly window = new Float32Array(SPECTRUM_FFT);
  private readonly histMix = new Float32Array(SPECTRUM_FFT);
  private readonly histInst = new Float32Array(SPECTRUM_FFT);
  private readonly frame = new Float64Array(SPECTRUM_FFT);
  private readonly re = new Float64Array(SPECTRUM_FFT / 2 + 1);
  private readonly im = new Float64Array(SPECTRUM_FFT / 2 + 1);
  private readonly powMix = new Float64Array(SPECTRUM_FFT / 2 + 1);
  private readonly powInst = new Float64Array(SPECTRUM_FFT / 2 + 1);
  /** First FFT bin of each band; band b covers [edges[b], edges[b+1]). */
  private readonly edges: Int32Array;
  private writePos = 0;
  private sinceLast = 0;
  private readonly periodFrames: number;
  private readonly binHz: number;

  constructor(
    buf: SharedArrayBuffer,
    sampleRate: number,
    readonly bands = SPECTRUM_BANDS,
    rateHz = 30,
  ) {
    this.seq = new Int32Array(buf, 0, 1);
    this.data = new Float32Array(buf, HEADER_BYTES, bands * 2);
    this.periodFrames = Math.round(sampleRate / rateHz);
    for (let i = 0; i < SPECTRUM_FFT; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / SPECTRUM_FFT);
    const nyquistBin = SPECTRUM_FFT / 2;
    const binHz = (this.binHz = sampleRate / SPECTRUM_FFT);
    const hiHz = sampleRate / 2;
    this.edges = new Int32Array(bands + 1);
    for (let b = 0; b <= bands; b++) {
      const hz = LOW_HZ * Math.pow(hiHz / LOW_HZ, b / bands);
      // Low bands narrower than a bin still get one bin each (monotone edges).
      this.edges[b] = Math.min(nyquistBin, Math.max(b === 0 ? 1 : this.edges[b - 1] + 1, Math.round(hz / binHz)));
    }
    this.edges[bands] = nyquistBin + 1;
  }

  /** The band an FFT frequency (Hz) falls in, for labelling and tests. */
  bandOf(hz: number): number {
    const k = Math.round(hz / this.binHz);
    for (let b = 0; b < this.bands; b++) if (k < this.edges[b + 1]) return b;
    return this.bands - 1;
  }

  /** One output block: stereo planar instrument and rest, `n` frames each. */
  push(inst: Float32Array[], rest: Float32Array[], n: number): void {
    const N = SPECTRUM_FFT;
    for (let i = 0; i < n; i++) {
      const im = 0.5 * (inst[0][i] + inst[1][i]);
      const rm = 0.5 * (rest[0][i] + rest[1][i]);
      this.histInst[this.writePos] = im;
      this.histMix[this.writePos] = im + rm;
      this.writePos = (this.writePos + 1) % N;
    }
    this.sinceLast += n;
    if (this.sinceLast < this.periodFrames) return;
    this.sinceLast = 0;
    this.analyse(this.histMix, this.powMix);
    this.analyse(this.histInst, this.powInst);
    const bands = this.bands;
    // Hann-windowed full-scale sine → |X| = N/4; normalise so that reads 0 dBFS.
    const norm = 4 / N;
    for (let b = 0; b < bands; b++) {
      let eMix = 0;
      let eInst = 0;
      const lo = this.edges[b];
      const hi = Math.max(lo + 1, this.edges[b + 1]);
      for (let k = lo; k < hi && k <= N / 2; k++) {
        eMix += this.powMix[k];
        eInst += this.powInst[k];
      }
      const peak = Math.sqrt(eMix / (hi - lo)) * norm;
      this.data[b] = peak > 1e-7 ? 20 * Math.log10(peak) : -140;
      this.data[bands + b] = eMix > 1e-12 ? Math.min(1, Math.sqrt(eInst / eMix)) : 0;
    }
    Atomics.store(this.seq, 0, (Atomics.load(this.seq, 0) + 1) | 0);
  }

  /** Power spectrum |X[k]|² of the windowed history (oldest sample first). */
  private analyse(hist: Float32Array, power: Float64Array): void {
    const N = SPECTRUM_FFT;
    for (let i = 0; i < N; i++) this.frame[i] = hist[(this.writePos + i) % N] * this.window[i];
    this.fft.forward(this.frame, this.re, this.im);
    for (let k = 0; k <= N / 2; k++) power[k] = this.re[k] * this.re[k] + this.im[k] * this.im[k];
  }
}
