import { StemstreamError } from '../errors.js';
import { RealFft } from './fft.js';

/**
 * STFT framing shared by the offline and streaming transforms (librosa / torch.stft semantics):
 * periodic Hann window of length `nFft`, frames centred on multiples of `hop` (nFft/2 samples of
 * padding at each end), one-sided spectrum of nFft/2+1 bins. The model uses { nFft: 1536, hop: 384 }.
 */
export interface StftParams {
  /** FFT and window length in samples: 2^k or 3·2^k (k ≥ 2). */
  nFft: number;
  /** Hop between frame starts in samples, 1 ≤ hop ≤ nFft. */
  hop: number;
}

/** Check `p` once at construction time. @throws StemstreamError SS_ERR_BAD_OPTION */
export function validateStftParams(p: StftParams): void {
  if (!RealFft.isSupportedSize(p.nFft)) {
    throw new StemstreamError(
      'SS_ERR_BAD_OPTION',
      `STFT size nFft=${p.nFft} is not supported: use a power of two (≥ 4) or 3 times a power of two (≥ 12), e.g. 1536`,
    );
  }
  if (!Number.isInteger(p.hop) || p.hop < 1 || p.hop > p.nFft) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `STFT hop=${p.hop} must be an integer between 1 and nFft=${p.nFft}`);
  }
}

/** Number of frames the centred STFT gives for a signal of `length` samples: 1 + floor(length / hop). */
export function stftFrameCount(length: number, p: StftParams): number {
  return 1 + Math.floor(length / p.hop);
}
