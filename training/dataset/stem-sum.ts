/**
 * Summing stems into one: checks that every stem has the same sample rate, length and channel
 * layout first, and names the offending file when they do not (no silent truncation or padding).
 */
import { StemstreamError } from '../../engine/errors.js';
import type { AudioData } from './audio-io.js';

export interface NamedAudio {
  path: string;
  audio: AudioData;
}

/** Checks `stems` agree on rate and length; mono stems are promoted to stereo. */
export function checkStems(stems: NamedAudio[]): { sampleRate: number; length: number } {
  if (stems.length === 0) throw new StemstreamError('SS_ERR_BAD_DATASET', 'no stems to mix');
  const first = stems[0];
  const sampleRate = first.audio.sampleRate;
  const length = first.audio.channels[0]?.length ?? 0;
  for (const s of stems) {
    if (s.audio.sampleRate !== sampleRate) throw new StemstreamError('SS_ERR_BAD_DATASET', `${s.path}: sample rate ${s.audio.sampleRate} Hz differs from ${sampleRate} Hz of ${first.path}`);
    if (s.audio.channels.length < 1 || s.audio.channels.length > 2) throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `${s.path}: ${s.audio.channels.length} channels (only mono or stereo stems are supported)`);
    const n = s.audio.channels[0].length;
    if (n !== length) throw new StemstreamError('SS_ERR_BAD_DATASET', `${s.path}: ${n} samples (${(n / sampleRate).toFixed(3)} s) but ${first.path} has ${length} (${(length / sampleRate).toFixed(3)} s); stems of one track must have the same length`);
  }
  return { sampleRate, length };
}

/** Sum of `stems` as stereo planar audio (each stem added with unit gain). */
export function sumStems(stems: NamedAudio[]): AudioData {
  const { sampleRate, length } = checkStems(stems);
  const out = [new Float32Array(length), new Float32Array(length)];
  for (const s of stems) {
    const ch = s.audio.channels;
    for (let c = 0; c < 2; c++) {
      const src = ch[Math.min(c, ch.length - 1)];
      const dst = out[c];
      for (let i = 0; i < length; i++) dst[i] += src[i];
    }
  }
  return { sampleRate, channels: out };
}

/** Silent stereo audio of the given shape (a rest with no stems). */
export function silence(sampleRate: number, length: number): AudioData {
  return { sampleRate, channels: [new Float32Array(length), new Float32Array(length)] };
}
