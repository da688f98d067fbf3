/**
 * DSP core: FFT, window, offline and streaming STFT/ISTFT with librosa framing
 * (centred frames, reflect padding, periodic Hann). Spectrograms are frame-major
 * (re[frame * nbBins + bin]); signals are mono float32.
 */
export { RealFft } from './fft.js';
export { hannPeriodic } from './window.js';
export { stftFrameCount, validateStftParams, type StftParams } from './stft-params.js';
export { centrePad, istft, magnitude, stft, type Spectrogram } from './stft.js';
export {
  StreamingIstft,
  StreamingStft,
  streamingLatencySamples,
  type FrameCallback,
  type StreamingIstftOptions,
} from './streaming-stft.js';
export { chirp, impulse, mulberry32, sine, whiteNoise } from './signal-generators.js';
export {
  RESAMPLER_QUALITY,
  createStreamingResampler,
  resample,
  type ConverterQuality,
  type StreamingResampler,
} from './resampler.js';
