/**
 * The one place where the eval package touches the engine's STFT. Evaluation must use the engine's own framing
 * (librosa: centred, reflect padding, periodic Hann) so that the oracle and the round-tripped
 * references are exactly what the model sees.
 */
export { istft, magnitude, stft, type Spectrogram, type StftParams } from '../../engine/dsp/index.js';

/** The model's STFT (22050 Hz, 1536-point, hop 384). */
export const MODEL_STFT = { nFft: 1536, hop: 384 } as const;

/** The rate the thesis (and the model) evaluates at, Hz. */
export const EVAL_SAMPLE_RATE = 22050;
