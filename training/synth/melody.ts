/**
 * Melodic lines shared by leads, sung-like voices, piano melodies and guitar solos: a motif of
 * rhythm and contour that repeats with variation, chord tones on strong beats, stepwise motion.
 */
import { bars, chordAt, energyVelocity, type BeatNote, type PatternContext, type SectionSpan } from './grid.js';
import { chordPitchClasses, pentatonicPitches, scalePitches } from './music.js';

export interface MelodyOptions {
  low: number;
  high: number;
  /** Notes per beat on average: 0.5 sparse vocal line, 2–4 for solos. */
  density: number;
  /** Use the pentatonic scale (blues/rock solos) instead of the mode's scale. */
  pentatonic: boolean;
  /** Fraction of bars to leave empty (breathing between phrases). */
  rests: number;
  legato: number;
}

/** Rhythm of one bar as onsets in beats, drawn to fit the density. */
function barRhythm(ctx: PatternContext, density: number): number[] {
  const { grid, rng } = ctx;
  const step = 1 / grid.subdivision;
  const slots = grid.beatsPerBar * grid.subdivision;
  const onsets: number[] = [];
  for (let s = 0; s < slots; s++) {
    const onBeat = s % grid.subdivision === 0;
    const p = Math.min(0.95, (density / grid.subdivision) * (onBeat ? 1.5 : 0.8));
    if (rng.chance(p)) onsets.push(s * step);
  }
  if (onsets.length === 0) onsets.push(0);
  return onsets;
}

/** A melody over every section in `sections`; returns beat notes. */
export function melodyLine(ctx: PatternContext, sections: SectionSpan[], opts: MelodyOptions): BeatNote[] {
  const { grid, rng } = ctx;
  const minor = ctx.mode !== 'major' && ctx.mode !== 'mixolydian';
  const pool = opts.pentatonic ? pentatonicPitches(ctx.keyRoot, minor, opts.low, opts.high) : scalePitches(ctx.keyRoot, ctx.mode, opts.low, opts.high);
  const out: BeatNote[] = [];
  let idx = Math.floor(pool.length / 2);
  for (const section of sections) {
    // A two-bar motif per section, reused with variation: repetition is what makes it sound composed.
    const motif = [barRhythm(ctx, opts.density * (0.6 + 0.6 * section.energy)), barRhythm(ctx, opts.density * (0.6 + 0.6 * section.energy))];
    const contour = motif.map((r) => r.map(() => rng.int(-2, 2)));
    for (const { barBeat, bar, beatInSection } of bars(grid, section)) {
      if (bar % 4 === 3 && rng.chance(opts.rests * 2)) continue;
      if (rng.chance(opts.rests)) continue;
      const m = bar % 2;
      const rhythm = rng.chance(0.25) ? barRhythm(ctx, opts.density) : motif[m];
      for (let k = 0; k < rhythm.length; k++) {
        const onset = rhythm[k];
        const next = k + 1 < rhythm.length ? rhythm[k + 1] : grid.beatsPerBar;
        const chord = chordAt(section, beatInSection + onset);
        const pcs = chordPitchClasses(chord);
        let step = contour[m][k] ?? rng.int(-2, 2);
        if (rng.chance(0.2)) step = rng.int(-3, 3);
        idx = Math.min(pool.length - 1, Math.max(0, idx + step));
        // On strong beats pull to the nearest chord tone.
        if (Math.abs(onset - Math.round(onset)) < 1e-6) {
          for (let d = 0; d < 3; d++) {
            if (pcs.includes(pool[Math.min(pool.length - 1, idx + d)] % 12)) { idx = Math.min(pool.length - 1, idx + d); break; }
            if (pcs.includes(pool[Math.max(0, idx - d)] % 12)) { idx = Math.max(0, idx - d); break; }
          }
        }
        // Drift back towards the middle so lines do not stick to the edges.
        if (idx <= 1 || idx >= pool.length - 2) idx += idx <= 1 ? 2 : -2;
        idx = Math.min(pool.length - 1, Math.max(0, idx));
        const accent = Math.abs(onset - Math.round(onset)) < 1e-6 ? 8 : 0;
        out.push({ beat: barBeat + onset, length: Math.max(0.1, (next - onset) * opts.legato), pitch: pool[idx], velocity: energyVelocity(section.energy, accent) });
      }
    }
  }
  return out;
}
