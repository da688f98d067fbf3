/**
 * The song as data, apart from rendering: generated songs and re-voiced MIDI files both become a
 * `Song`, and the renderer only reads this. All times are in seconds (humanisation already applied).
 */

/** The instrument a dataset separates. */
export type TargetInstrument = 'guitar' | 'piano';
export const TARGET_INSTRUMENTS: readonly TargetInstrument[] = ['guitar', 'piano'];

export type Split = 'train' | 'val';
export const SPLITS: readonly Split[] = ['train', 'val'];

/** What a part is, musically; decides which presets may voice it. */
export type Role =
  | 'drums'
  | 'bass'
  | 'piano'
  | 'guitar-acoustic'
  | 'guitar-clean'
  | 'guitar-muted'
  | 'guitar-drive'
  | 'organ'
  | 'epiano'
  | 'strings'
  | 'pad'
  | 'brass'
  | 'synth-lead'
  | 'voice'
  | 'mallets'
  | 'plucked';

/** One note; `pitch` is a MIDI key, `velocity` 1–127. */
export interface Note {
  time: number;
  duration: number;
  pitch: number;
  velocity: number;
}

/** A controller change (sustain pedal, expression…), `value` 0–127. */
export interface ControlEvent {
  time: number;
  controller: number;
  value: number;
}

/** The channel's pitch offset from `time` until the next point, semitones (slides, bends, vibrato). */
export interface BendPoint {
  time: number;
  semitones: number;
}

export interface Part {
  /** Unique within the song, e.g. `guitar-strum-1`. */
  name: string;
  role: Role;
  /** The playing style that generated it (`strum`, `fingerpick`, `stride`, `pad`…). */
  style: string;
  isDrums: boolean;
  /** True when the part belongs to the instrument stem. */
  isTarget: boolean;
  notes: Note[];
  controls: ControlEvent[];
  /** Pitch bend, set by `articulation.ts` at render time (training songs only). */
  bends?: BendPoint[];
}

export interface Section {
  name: string;
  startSec: number;
  endSec: number;
  bars: number;
  /** `plays`: target with the band; `rests`: target silent; `alone`: target without the rest. */
  targetMode: 'plays' | 'rests' | 'alone';
}

export interface Song {
  /** Dataset seed and the song's index: together they reproduce the song. */
  seed: number;
  index: number;
  target: TargetInstrument;
  /** Where the notes came from: the generator or a MIDI file (path relative to the MIDI dir). */
  source: string;
  tempoBpm: number;
  meter: string;
  key: string;
  genre: string;
  sections: Section[];
  parts: Part[];
  /** Length of the notes' span; the render adds a release tail. */
  durationSec: number;
}
