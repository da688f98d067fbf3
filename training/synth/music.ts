/**
 * Just enough music theory for believable songs: scales, diatonic chords, progressions, voicings.
 * Pitches are MIDI keys; pitch classes are 0–11 with 0 = C.
 */
import type { Rng } from './prng.js';

export const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'] as const;

export type Mode = 'major' | 'minor' | 'dorian' | 'mixolydian' | 'harmonic-minor';

export const SCALES: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  'harmonic-minor': [0, 2, 3, 5, 7, 8, 11],
};

/** A chord: root pitch class and intervals above the root (semitones). */
export interface Chord {
  root: number;
  intervals: number[];
  symbol: string;
}

/** Progressions as scale degrees (0-based); negative-free, one chord per entry. */
const MAJOR_PROGRESSIONS: readonly number[][] = [
  [0, 4, 5, 3], [0, 5, 3, 4], [0, 3, 4, 3], [5, 3, 0, 4], [0, 3, 0, 4], [1, 4, 0, 0], [0, 5, 1, 4],
  [0, 2, 3, 4], [3, 4, 2, 5], [0, 4, 5, 2, 3, 0, 3, 4], [0, 0, 3, 3, 0, 0, 4, 4], [3, 0, 4, 5],
  [0, 3, 5, 4], [0, 1, 3, 4], [5, 4, 3, 4],
];
const MINOR_PROGRESSIONS: readonly number[][] = [
  [0, 5, 2, 6], [0, 3, 4, 0], [0, 6, 5, 6], [0, 5, 3, 4], [0, 3, 6, 2], [5, 6, 0, 0], [0, 2, 6, 3],
  [0, 0, 5, 4], [3, 4, 0, 0], [0, 6, 5, 4],
];
/** The 12-bar blues in degrees of a mixolydian scale. */
export const BLUES_12: readonly number[] = [0, 0, 0, 0, 3, 3, 0, 0, 4, 3, 0, 4];

/** Triad (or seventh) built on `degree` of the scale, stacked in thirds. */
export function diatonicChord(keyRoot: number, mode: Mode, degree: number, seventh: boolean): Chord {
  const scale = SCALES[mode];
  const at = (d: number): number => scale[d % 7] + 12 * Math.floor(d / 7);
  const base = at(degree);
  const intervals = [0, at(degree + 2) - base, at(degree + 4) - base];
  if (seventh) intervals.push(at(degree + 6) - base);
  const root = (keyRoot + base) % 12;
  const third = intervals[1];
  const fifth = intervals[2];
  let quality = third === 3 ? 'm' : '';
  if (third === 3 && fifth === 6) quality = 'dim';
  if (third === 4 && fifth === 8) quality = 'aug';
  const sev = seventh ? (intervals[3] === 11 ? 'maj7' : '7') : '';
  return { root, intervals, symbol: `${NOTE_NAMES[root]}${quality}${sev}` };
}

/** A progression of `length` chords for a section, in the given key. */
export function pickProgression(rng: Rng, keyRoot: number, mode: Mode, blues: boolean, length: number): Chord[] {
  const sevenths = rng.chance(0.3);
  let degrees: readonly number[];
  if (blues) degrees = BLUES_12;
  else if (mode === 'major' || mode === 'mixolydian') degrees = rng.pick(MAJOR_PROGRESSIONS);
  else degrees = rng.pick(MINOR_PROGRESSIONS);
  const chords: Chord[] = [];
  for (let i = 0; i < length; i++) {
    const degree = degrees[i % degrees.length];
    // Blues uses dominant sevenths on I, IV, V whatever the mode.
    if (blues) {
      const root = (keyRoot + [0, 2, 4, 5, 7, 9, 10][degree]) % 12;
      chords.push({ root, intervals: [0, 4, 7, 10], symbol: `${NOTE_NAMES[root]}7` });
    } else {
      chords.push(diatonicChord(keyRoot, mode, degree, sevenths && rng.chance(0.7)));
    }
  }
  return chords;
}

/** Pitches of `chord` voiced closely from the lowest chord tone at or above `low`, `count` notes. */
export function closeVoicing(chord: Chord, low: number, count: number): number[] {
  const pcs = chord.intervals.map((i) => (chord.root + i) % 12);
  const out: number[] = [];
  let p = low;
  while (out.length < count && p < 128) {
    if (pcs.includes(((p % 12) + 12) % 12)) out.push(p);
    p++;
  }
  return out;
}

/** Lowest pitch of pitch class `pc` at or above `low`. */
export function pitchAtOrAbove(pc: number, low: number): number {
  return low + ((((pc - low) % 12) + 12) % 12);
}

/** A guitar-like voicing: root low, fifth, octave and the rest spread over about two octaves. */
export function guitarVoicing(chord: Chord, rng: Rng, strings: number): number[] {
  const bass = pitchAtOrAbove(chord.root, rng.pick([40, 43, 45]));
  const pcs = chord.intervals.map((i) => (chord.root + i) % 12);
  const out = [bass];
  let p = bass + 1;
  let k = 1;
  while (out.length < strings && p < 84) {
    // Guitar strings are about a fourth apart: take the next chord tone at least 3 semitones up.
    if (pcs.includes(p % 12) && p - out[out.length - 1] >= 3) {
      out.push(p);
      k++;
    }
    p++;
  }
  return out;
}

/** Power chord: root, fifth, octave from a low root. */
export function powerChord(root: number, low: number): number[] {
  const r = pitchAtOrAbove(root, low);
  return [r, r + 7, r + 12];
}

/** Scale pitches (ascending) between `low` and `high`. */
export function scalePitches(keyRoot: number, mode: Mode, low: number, high: number): number[] {
  const pcs = SCALES[mode].map((d) => (keyRoot + d) % 12);
  const out: number[] = [];
  for (let p = low; p <= high; p++) if (pcs.includes(p % 12)) out.push(p);
  return out;
}

/** Minor or major pentatonic pitches between `low` and `high`. */
export function pentatonicPitches(keyRoot: number, minor: boolean, low: number, high: number): number[] {
  const steps = minor ? [0, 3, 5, 7, 10] : [0, 2, 4, 7, 9];
  const pcs = steps.map((d) => (keyRoot + d) % 12);
  const out: number[] = [];
  for (let p = low; p <= high; p++) if (pcs.includes(p % 12)) out.push(p);
  return out;
}

export function chordPitchClasses(chord: Chord): number[] {
  return chord.intervals.map((i) => (chord.root + i) % 12);
}
