/**
 * Guitar techniques that move the pitch of a sounding note: slides (one note or a power chord
 * gliding into the next without a new attack), string bends and vibrato. A soundfont can only play
 * fixed-pitch notes, so the real-recording check's slide phrase was unlike anything in training.
 *
 * Guitar training data only: the mix plan draws an {@link ArticulationSpec} for a guitar part of a
 * train-split guitar song voiced by a soundfont or the waveguide family, and `render-song.ts` turns
 * it into notes plus channel pitch bend ({@link articulate}) that `render-spessa.ts` and
 * `render-waveguide.ts` play. Validation songs stay as they were.
 */
import type { Family } from './presets.js';
import type { Rng } from './prng.js';
import type { BendPoint, Note, Part, Split, TargetInstrument } from './song.js';

/** Pitch-bend range set on the channel (RPN 0), semitones: a slide spans up to an octave. */
export const BEND_RANGE_SEMITONES = 12;
/** Spacing of the bend points of a glide or a vibrato, seconds (200 Hz: smooth to the ear). */
export const BEND_STEP_SEC = 0.005;
/** Notes starting within this of each other form one unit (a power chord). */
const CHORD_SEC = 0.03;
/** Playing styles that are one line or one power chord at a time. */
const STYLES = new Set(['lead', 'riff', 'power']);
/** Families whose renderers play pitch bend: spessasynth's soundfonts and the waveguide strings. */
const FAMILIES = new Set<Family>(['fluidr3', 'timgm6mb', 'waveguide']);

export interface ArticulationSpec {
  /** Probability that a unit slides into the next one (same shape, ≤ an octave away). */
  slideP: number;
  /** Probability that a long single note is picked lower and bent up to its pitch. */
  bendP: number;
  /** Probability of vibrato on a long unit. */
  vibratoP: number;
  vibratoHz: number;
  /** Vibrato depth, cents either side. */
  vibratoCents: number;
}

/** The spec for one part, or undefined when the part gets none (always so outside training). */
export function drawArticulation(rng: Rng, part: Part, split: Split, family: Family, target: TargetInstrument): ArticulationSpec | undefined {
  // Not in piano songs' rests: without waveguide pianos they cost the piano 4.1 dB on real recordings
  // (session 13); with them, no measurable change (session 14). Kept out as harmless (training/README.md).
  if (split !== 'train' || target !== 'guitar' || !part.role.startsWith('guitar') || !STYLES.has(part.style) || !FAMILIES.has(family)) return undefined;
  if (!rng.chance(0.8)) return undefined;
  return { slideP: rng.float(0.15, 0.5), bendP: rng.float(0.1, 0.4), vibratoP: rng.float(0.2, 0.7), vibratoHz: rng.float(4.5, 7), vibratoCents: rng.float(15, 50) };
}

interface Unit {
  start: number;
  end: number;
  notes: Note[];
}

/** Notes grouped by onset; null when the part plays overlapping units (not one line). */
function units(notes: readonly Note[]): Unit[] | null {
  const sorted = notes.slice().sort((a, b) => a.time - b.time || a.pitch - b.pitch);
  const out: Unit[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n.time - last.start <= CHORD_SEC) {
      last.notes.push(n);
      last.end = Math.max(last.end, n.time + n.duration);
    } else out.push({ start: n.time, end: n.time + n.duration, notes: [n] });
  }
  for (let i = 0; i + 1 < out.length; i++) if (out[i].end > out[i + 1].start + 0.01) return null;
  return out;
}

/** The constant shift from unit a to unit b, or null when b is not a transposed a. */
function shiftBetween(a: Unit, b: Unit): number | null {
  if (a.notes.length !== b.notes.length) return null;
  const d = b.notes[0].pitch - a.notes[0].pitch;
  return a.notes.every((n, i) => b.notes[i].pitch - n.pitch === d) ? d : null;
}

/** Appends points moving the bend from `from` to `to` semitones between t0 and t1. */
function glide(points: BendPoint[], t0: number, t1: number, from: number, to: number): void {
  const steps = Math.max(1, Math.round((t1 - t0) / BEND_STEP_SEC));
  for (let k = 1; k <= steps; k++) {
    const x = k / steps;
    points.push({ time: t0 + (t1 - t0) * x, semitones: from + (to - from) * (0.5 - 0.5 * Math.cos(Math.PI * x)) });
  }
}

/**
 * The part as played with `spec`: slid-into units merge into the first unit's notes (held, no
 * new attack) and `bends` holds the channel's pitch offset (each point holds until the next).
 * A part that is not one line at a time comes back unchanged.
 */
export function articulate(part: Part, spec: ArticulationSpec, rng: Rng): Part {
  const us = units(part.notes);
  if (!us || us.length === 0) return part;
  const notes: Note[] = [];
  const bends: BendPoint[] = [{ time: 0, semitones: 0 }];
  let i = 0;
  while (i < us.length) {
    const first = us[i];
    let offset = 0;
    // Where the sounding pitch sits before each vibrato: [start, end, offset] spans.
    const holds: [number, number, number][] = [];
    let pickOffset = 0;
    if (first.notes.length === 1 && first.end - first.start >= 0.3 && rng.chance(spec.bendP)) {
      // Picked one or two semitones low and bent up to the written pitch.
      pickOffset = rng.chance(0.6) ? 2 : 1;
      const t0 = first.start + rng.float(0.02, 0.12);
      const t1 = Math.min(first.end - 0.05, t0 + rng.float(0.08, 0.25));
      bends.push({ time: first.start, semitones: 0 });
      glide(bends, t0, Math.max(t0 + BEND_STEP_SEC, t1), 0, pickOffset);
      offset = pickOffset;
    } else bends.push({ time: first.start, semitones: 0 });
    let span = first;
    let spanStart = bends[bends.length - 1].time;
    // Slides: the next unit, same shape, reached within an octave of the picked pitch.
    while (i + 1 < us.length) {
      const next = us[i + 1];
      const d = shiftBetween(span, next);
      const target = d === null ? null : offset + d;
      if (target === null || d === 0 || Math.abs(target) > BEND_RANGE_SEMITONES || next.start - span.end > 0.25 || !rng.chance(spec.slideP)) break;
      const dur = Math.min(rng.float(0.04, 0.25), 0.6 * (next.start - span.start));
      holds.push([spanStart, next.start - dur, offset]);
      glide(bends, next.start - dur, next.start, offset, target);
      offset = target;
      span = next;
      spanStart = next.start;
      i++;
    }
    holds.push([spanStart, span.end, offset]);
    // Vibrato on the last held position when it lasts.
    const [h0, h1, hOffset] = holds[holds.length - 1];
    if (h1 - h0 >= 0.35 && rng.chance(spec.vibratoP)) {
      const start = h0 + rng.float(0.1, 0.25);
      const depth = spec.vibratoCents / 100;
      for (let t = start; t < h1; t += BEND_STEP_SEC) {
        const ramp = Math.min(1, (t - start) / 0.2); // vibrato swells in
        bends.push({ time: t, semitones: hOffset + ramp * depth * Math.sin(2 * Math.PI * spec.vibratoHz * (t - start)) });
      }
    }
    // The first unit's notes sound (picked low by pickOffset) until the last slid-into unit ends.
    for (const n of first.notes) notes.push({ ...n, pitch: n.pitch - pickOffset, duration: span.end - n.time });
    i++;
  }
  // A unit may start up to 10 ms before the previous one ends: keep the points in time order.
  bends.sort((a, b) => a.time - b.time);
  return { ...part, notes, bends };
}

/** The MIDI pitch-wheel value (0–16383) of a bend in semitones at {@link BEND_RANGE_SEMITONES}. */
export function pitchWheelValue(semitones: number): number {
  return Math.max(0, Math.min(16383, Math.round(8192 + (semitones / BEND_RANGE_SEMITONES) * 8192)));
}
