/**
 * The 'salamander' training family: piano parts played from the Salamander Grand Piano V3, a
 * recorded Yamaha C5 (Alexander Holm, CC BY 3.0; npm packages `@audio-samples/piano-velocity*`,
 * one package per velocity layer). The two soundfonts give training one sampled piano each, with
 * few velocity layers; this is a real grand in stereo, 8 of its 16 layers, every minor third.
 * It is a training family only: the held-out pianos are MuseScore General's AKAI "Splendid
 * Grand" (a Steinway D), a different instrument. Played by render-sampler.ts; the top keys
 * (from F6) have no damper, as on a real piano.
 */
import { keyName, renderSampled, samplesAvailable, type SampledInstrument } from './render-sampler.js';
import type { Part } from './song.js';

/** The velocity layers used (of Salamander's 16), soft to loud: one npm package each. */
export const SALAMANDER_LAYERS: readonly number[] = [2, 4, 6, 8, 10, 12, 14, 16];
/** Recorded keys: A0 (MIDI 21) to C8 (108), every three semitones. */
export const LOWEST_KEY = 21;
export const HIGHEST_KEY = 108;
/** Keys from F6 up have no damper. */
export const FIRST_UNDAMPED_KEY = 89;
const KEYS = Array.from({ length: (HIGHEST_KEY - LOWEST_KEY) / 3 + 1 }, (_, i) => LOWEST_KEY + 3 * i);

/** Damper release time constant (to 1/e), seconds: bass strings stop more slowly. */
export function damperTau(key: number): number {
  const t = (Math.max(LOWEST_KEY, Math.min(FIRST_UNDAMPED_KEY, key)) - LOWEST_KEY) / (FIRST_UNDAMPED_KEY - LOWEST_KEY);
  return 0.25 + (0.05 - 0.25) * t;
}

export const SALAMANDER: SampledInstrument = {
  id: 'salamander',
  layers: SALAMANDER_LAYERS.map((v) => ({ pkg: `@audio-samples/piano-velocity${v}`, dir: 'audio', keys: KEYS, file: (key: number) => `${keyName(key)}v${v}.ogg` })),
  damperTau,
  undamped: (pitch) => pitch >= FIRST_UNDAMPED_KEY,
  // The bass keys ring for 25 s; a longer note is faded out.
  maxSampleSec: 12,
  detune: 0.12,
};

/** True when every layer package is installed (they are devDependencies). */
export function salamanderAvailable(): boolean {
  return samplesAvailable(SALAMANDER);
}

/** Dry stereo stem `[left, right]` (`nbSamples` long) of piano `part` on the Salamander grand. */
export function renderSalamander(part: Part, sampleRate: number, nbSamples: number, seed: number): Promise<Float32Array[]> {
  return renderSampled(SALAMANDER, part, sampleRate, nbSamples, seed);
}
