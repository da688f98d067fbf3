import { StemstreamError } from '../errors.js';
import { FrameTransform, WINDOW_SUM_TINY } from './frame-transform.js';
import { stftFrameCount, validateStftParams, type StftParams } from './stft-params.js';

export type { StftParams } from './stft-params.js';

/**
 * One-sided complex spectrogram of a mono signal, **frame-major**:
 * bin `b` of frame `f` is `re[f * nbBins + b]`, `im[f * nbBins + b]`.
 * nbBins = nFft/2 + 1; nbFrames = 1 + floor(length / hop) for a signal of `length` samples.
 * Unnormalised (like torch.stft(normalized=False) and librosa.stft).
 */
export interface Spectrogram {
  nbBins: number;
  nbFrames: number;
  re: Float32Array;
  im: Float32Array;
}

/**
 * Centred padding of `x` by `pad` samples at both ends (numpy 'reflect': the edge sample is not
 * repeated). A signal too short to reflect (length ≤ pad) is zero-padded instead — torch.stft
 * refuses such input and numpy would reflect repeatedly; zeros keep the frame count and the
 * round trip well defined.
 */
export function centrePad(x: Float32Array, pad: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n + 2 * pad);
  out.set(x, pad);
  if (n > pad) {
    for (let j = 1; j <= pad; j++) {
      out[pad - j] = x[j];
      out[pad + n - 1 + j] = x[n - 1 - j];
    }
  }
  return out;
}

/**
 * Offline STFT with librosa framing (center=True, pad_mode='reflect', periodic Hann window).
 * @param x mono signal, float32 samples
 * @returns frame-major spectrogram with 1 + floor(x.length / hop) frames
 * @throws StemstreamError SS_ERR_BAD_OPTION for unsupported parameters
 */
export function stft(x: Float32Array, p: StftParams): Spectrogram {
  validateStftParams(p);
  const ft = new FrameTransform(p);
  const nbBins = ft.nbBins;
  const nbFrames = stftFrameCount(x.length, p);
  const padded = centrePad(x, p.nFft / 2);
  const re = new Float32Array(nbFrames * nbBins);
  const im = new Float32Array(nbFrames * nbBins);
  for (let f = 0; f < nbFrames; f++) ft.analyse(padded, f * p.hop, re, im, f * nbBins);
  return { nbBins, nbFrames, re, im };
}

/** Check that `spec` has the layout `p` implies. @throws StemstreamError SS_ERR_BAD_OPTION */
function checkSpectrogram(spec: Spectrogram, p: StftParams): void {
  const nbBins = p.nFft / 2 + 1;
  const size = spec.nbFrames * nbBins;
  if (spec.nbBins !== nbBins || !Number.isInteger(spec.nbFrames) || spec.nbFrames < 0 || spec.re.length < size || spec.im.length < size) {
    throw new StemstreamError(
      'SS_ERR_BAD_OPTION',
      `spectrogram of ${spec.nbBins} bins × ${spec.nbFrames} frames (re ${spec.re.length}, im ${spec.im.length} values) does not fit nFft=${p.nFft}`,
    );
  }
}

/**
 * Offline inverse STFT, equal to librosa.istft(center=True, length=length) and
 * torch.istft(center=True, length=length): windowed overlap-add divided by the summed squared
 * window where that sum exceeds float32 `tiny`, trimmed by nFft/2 at the start and cut or
 * zero-extended to `length` samples. Accumulates in float64.
 * @param spec frame-major spectrogram (see {@link Spectrogram})
 * @param length output length in samples (normally the original signal length)
 * @returns mono float32 signal of `length` samples
 */
export function istft(spec: Spectrogram, p: StftParams, length: number): Float32Array {
  validateStftParams(p);
  checkSpectrogram(spec, p);
  if (!Number.isInteger(length) || length < 0) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `ISTFT length must be a non-negative integer, got ${length}`);
  }
  const out = new Float32Array(length);
  if (spec.nbFrames === 0) return out;
  const ft = new FrameTransform(p);
  const { nFft, hop } = p;
  const pad = nFft / 2;
  // Only padded positions [pad, pad + length) are kept, so later frames can be skipped.
  const usedFrames = Math.min(spec.nbFrames, Math.floor((pad + length - 1) / hop) + 1);
  const total = nFft + hop * (usedFrames - 1);
  const y = new Float64Array(total);
  const wss = new Float64Array(total);
  const frame = new Float64Array(nFft);
  const w2 = ft.windowSquared;
  for (let f = 0; f < usedFrames; f++) {
    ft.synthesise(spec.re, spec.im, f * spec.nbBins, frame);
    const start = f * hop;
    for (let i = 0; i < nFft; i++) {
      y[start + i] += frame[i];
      wss[start + i] += w2[i];
    }
  }
  const end = Math.min(length, total - pad);
  for (let n = 0; n < end; n++) {
    const s = wss[pad + n];
    out[n] = s > WINDOW_SUM_TINY ? y[pad + n] / s : y[pad + n];
  }
  return out;
}

/**
 * Magnitude |X| of a spectrogram, same frame-major layout (out[f * nbBins + b]).
 * @param out optional destination of length ≥ nbBins·nbFrames, reused to avoid allocation
 */
export function magnitude(spec: Spectrogram, out?: Float32Array): Float32Array {
  const size = spec.nbBins * spec.nbFrames;
  if (out !== undefined && out.length < size) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `magnitude output holds ${out.length} values, needs ${size}`);
  }
  const mag = out ?? new Float32Array(size);
  const re = spec.re;
  const im = spec.im;
  for (let i = 0; i < size; i++) mag[i] = Math.sqrt(re[i] * re[i] + im[i] * im[i]);
  return mag;
}
