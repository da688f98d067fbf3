/**
 * The musical grid the pattern generators write on: notes in beats, chords on a beat timeline,
 * and the humaniser that turns beats into seconds with timing and velocity jitter.
 */
import type { Chord, Mode } from './music.js';
import type { Rng } from './prng.js';
import type { ControlEvent, Note } from './song.js';

export interface Grid {
  tempoBpm: number;
  beatsPerBar: number;
  /** Subdivisions of one beat: 2 or 4 for simple meters, 3 for compound (6/8, 12/8). */
  subdivision: number;
  /** Swing amount 0–0.33: delays every second subdivision by this fraction of a subdivision. */
  swing: number;
}

/** A note on the beat grid: `beat` from the song start, `length` in beats. */
export interface BeatNote {
  beat: number;
  length: number;
  pitch: number;
  velocity: number;
}

export interface BeatControl {
  beat: number;
  controller: number;
  value: number;
}

/** One section as the generators see it. */
export interface SectionSpan {
  name: string;
  startBar: number;
  bars: number;
  /** 0 (sparse, quiet) to 1 (dense, loud). */
  energy: number;
  /** One chord per entry, `chordBeats` beats each, starting at the section start. */
  chords: Chord[];
  chordBeats: number;
}

export interface PatternContext {
  grid: Grid;
  keyRoot: number;
  mode: Mode;
  sections: SectionSpan[];
  rng: Rng;
}

export interface PatternOutput {
  notes: BeatNote[];
  controls: BeatControl[];
}

/** The chord sounding at bar-relative `beatInSection` of a section. */
export function chordAt(section: SectionSpan, beatInSection: number): Chord {
  const i = Math.floor(beatInSection / section.chordBeats);
  return section.chords[Math.min(section.chords.length - 1, Math.max(0, i))];
}

export function sectionStartBeat(grid: Grid, section: SectionSpan): number {
  return section.startBar * grid.beatsPerBar;
}

export function beatSeconds(grid: Grid): number {
  return 60 / grid.tempoBpm;
}

/** Position in seconds of a beat, with swing applied to off-beat subdivisions. */
export function beatToSeconds(grid: Grid, beat: number): number {
  const sub = beat * grid.subdivision;
  const subIndex = Math.round(sub);
  let b = beat;
  if (grid.swing > 0 && Math.abs(sub - subIndex) < 1e-6 && subIndex % 2 === 1) b += grid.swing / grid.subdivision;
  return b * beatSeconds(grid);
}

export interface HumaniseOptions {
  /** Standard deviation of onset jitter, seconds. */
  timingSd: number;
  /** Standard deviation of velocity jitter, MIDI units. */
  velocitySd: number;
  /** Fraction of the nominal length actually held (legato 1, staccato 0.5). */
  gate: number;
}

/** Beat notes → timed notes: swing, jitter, gate, clamp velocities to 1–127. */
export function humanise(grid: Grid, notes: BeatNote[], controls: BeatControl[], rng: Rng, opts: HumaniseOptions): { notes: Note[]; controls: ControlEvent[] } {
  const bs = beatSeconds(grid);
  const out: Note[] = [];
  for (const n of notes) {
    const t = Math.max(0, beatToSeconds(grid, n.beat) + rng.normal() * opts.timingSd);
    const dur = Math.max(0.03, n.length * bs * opts.gate * (1 + rng.normal() * 0.05));
    const velocity = Math.round(Math.min(127, Math.max(1, n.velocity + rng.normal() * opts.velocitySd)));
    if (n.pitch < 0 || n.pitch > 127) continue;
    out.push({ time: t, duration: dur, pitch: n.pitch, velocity });
  }
  out.sort((a, b) => a.time - b.time || a.pitch - b.pitch);
  const ctl: ControlEvent[] = controls
    .map((c) => ({ time: Math.max(0, beatToSeconds(grid, c.beat)), controller: c.controller, value: c.value }))
    .sort((a, b) => a.time - b.time);
  return { notes: out, controls: ctl };
}

/** Velocity for an energy level with an accent: energy 0 → ~55, 1 → ~105. */
export function energyVelocity(energy: number, accent = 0): number {
  return Math.round(55 + 50 * energy + accent);
}

/** Iterates the bars of a section: yields absolute start beat, bar index within the section. */
export function* bars(grid: Grid, section: SectionSpan): Generator<{ barBeat: number; bar: number; beatInSection: number }> {
  const start = sectionStartBeat(grid, section);
  for (let bar = 0; bar < section.bars; bar++) {
    yield { barBeat: start + bar * grid.beatsPerBar, bar, beatInSection: bar * grid.beatsPerBar };
  }
}
