/**
 * The rest of the band that makes separation hard: pads and strings (long chords), organ and
 * electric piano comping (via the keys patterns), brass stabs, synth and sung-like lead lines.
 */
import { bars, chordAt, energyVelocity, type BeatNote, type PatternContext, type PatternOutput } from './grid.js';
import { melodyLine } from './melody.js';
import { closeVoicing } from './music.js';

export type EnsembleStyle = 'pad' | 'stabs' | 'lead' | 'vocal' | 'counter';
export const ENSEMBLE_STYLES: readonly EnsembleStyle[] = ['pad', 'stabs', 'lead', 'vocal', 'counter'];

export function ensemblePattern(ctx: PatternContext, style: EnsembleStyle, low: number, high: number): PatternOutput {
  const { grid, rng } = ctx;
  const bpb = grid.beatsPerBar;
  if (style === 'lead' || style === 'vocal' || style === 'counter') {
    const density = style === 'vocal' ? rng.float(0.6, 1.4) : style === 'counter' ? rng.float(0.3, 0.8) : rng.float(1, 2.5);
    const notes = melodyLine(ctx, ctx.sections, { low, high, density, pentatonic: style === 'lead' && rng.chance(0.4), rests: style === 'vocal' ? 0.2 : 0.12, legato: style === 'vocal' ? 0.98 : 0.85 });
    return { notes, controls: [] };
  }
  const notes: BeatNote[] = [];
  const voices = rng.int(3, 4);
  const stabRhythm = rng.pick([[0], [0, 1.5], [1.5, 3], [0, 2.5], [0.5, 2]]).filter((p) => p < bpb);
  for (const section of ctx.sections) {
    for (const { barBeat, beatInSection } of bars(grid, section)) {
      const vel = energyVelocity(section.energy, -5);
      if (style === 'pad') {
        const step = Math.max(1, Math.min(bpb, section.chordBeats));
        for (let b = 0; b < bpb; b += step) {
          const c = chordAt(section, beatInSection + b);
          for (const p of closeVoicing(c, low, voices)) notes.push({ beat: barBeat + b, length: step, pitch: p, velocity: vel });
        }
      } else {
        for (const pos of stabRhythm) {
          const c = chordAt(section, beatInSection + pos);
          for (const p of closeVoicing(c, low, voices)) notes.push({ beat: barBeat + pos, length: 0.35, pitch: p, velocity: vel + 10 });
        }
      }
    }
  }
  return { notes, controls: [] };
}
