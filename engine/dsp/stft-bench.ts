import { performance } from 'node:perf_hooks';
import { istft, stft, type StftParams } from './stft.js';
import { StreamingIstft, StreamingStft } from './streaming-stft.js';
import { whiteNoise } from './signal-generators.js';

/** Wall-clock timings of the DSP core on white noise, in milliseconds. */
export interface StftBenchResult {
  seconds: number;
  sampleRateHz: number;
  nbFrames: number;
  stftMs: number;
  istftMs: number;
  streamingMs: number;
  /** Round-trip error energy / signal energy (offline path). */
  roundTripErrorDb: number;
}

/**
 * Time offline STFT, offline ISTFT and a streaming STFT→ISTFT pass (256-sample blocks) over
 * `seconds` of mono noise. For engine/bench; allocates the test signal and spectrogram.
 */
export function benchStft(seconds = 180, p: StftParams = { nFft: 1536, hop: 384 }, sampleRateHz = 22050): StftBenchResult {
  const length = Math.round(seconds * sampleRateHz);
  const x = whiteNoise(length, 1);
  stft(x.subarray(0, 1 << 15), p); // warm the JIT
  let t0 = performance.now();
  const spec = stft(x, p);
  const stftMs = performance.now() - t0;
  t0 = performance.now();
  const y = istft(spec, p, length);
  const istftMs = performance.now() - t0;
  let e = 0;
  let s = 0;
  for (let i = 0; i < length; i++) {
    e += (x[i] - y[i]) ** 2;
    s += x[i] ** 2;
  }

  const a = new StreamingStft(p);
  const b = new StreamingIstft(p);
  const out = new Float32Array(4096);
  const onFrame = (re: Float32Array, im: Float32Array): void => b.pushFrame(re, im);
  t0 = performance.now();
  for (let i = 0; i < length; i += 256) {
    a.push(x.subarray(i, Math.min(length, i + 256)), onFrame);
    while (b.read(out) > 0);
  }
  a.finish(onFrame);
  b.finish(length);
  while (b.read(out) > 0);
  const streamingMs = performance.now() - t0;
  return { seconds, sampleRateHz, nbFrames: spec.nbFrames, stftMs, istftMs, streamingMs, roundTripErrorDb: 10 * Math.log10(e / s) };
}
