import { resample } from '../../engine/dsp/resampler.js';

/**
 * Mean of the channels (planar in, mono out). Mono input is returned as is (not copied).
 * @param channels planar float32, nbChannels arrays of equal length
 */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels.length === 0 ? 0 : Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) out[i] += c[i];
  const g = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= g;
  return out;
}

/**
 * Mono sample-rate conversion with the engine's resampler (SpeexDSP quality 8, time-aligned).
 * Returns the input itself when the rates match. Output length = round(length · to / from).
 */
export async function resampleMono(x: Float32Array, fromRate: number, toRate: number): Promise<Float32Array> {
  if (fromRate === toRate) return x;
  return (await resample([x], fromRate, toRate))[0];
}
