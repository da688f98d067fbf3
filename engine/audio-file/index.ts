export type { AudioFormat, AudioInfo, AudioReader, AudioWriter, WriteOptions } from './audio-types.js';
export { openAudio, readAudio } from './open-audio.js';
export { createAudioWriter, writeAudio } from './create-audio-writer.js';
export { quantize } from './pcm-codec.js';
export { DEFAULT_PEAK_BINS, WaveformPeaksBuilder, filePeaks, readerPeaks, type WaveformPeaks } from './waveform-peaks.js';
