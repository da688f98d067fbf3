/**
 * Drum grooves (GM percussion keys on channel 10): rock, pop, funk, ballad, shuffle, waltz,
 * compound-meter and half-time feels, with fills before section changes and crashes after them.
 */
import { bars, energyVelocity, type BeatNote, type PatternContext, type PatternOutput } from './grid.js';

const KICK = 36;
const SNARE = 38;
const SIDESTICK = 37;
const CLOSED_HAT = 42;
const PEDAL_HAT = 44;
const OPEN_HAT = 46;
const RIDE = 51;
const CRASH = 49;
const TOMS = [50, 48, 47, 45, 43, 41];

export type DrumStyle = 'rock' | 'pop' | 'funk' | 'ballad' | 'halftime' | 'shuffle' | 'waltz' | 'compound' | 'disco' | 'sparse';
export const DRUM_STYLES: readonly DrumStyle[] = ['rock', 'pop', 'funk', 'ballad', 'halftime', 'shuffle', 'waltz', 'compound', 'disco', 'sparse'];

/** Drum part for the whole song; `style` should suit the meter (waltz for 3/4, compound for 6/8). */
export function drumPattern(ctx: PatternContext, style: DrumStyle): PatternOutput {
  const { grid, rng } = ctx;
  const notes: BeatNote[] = [];
  const bpb = grid.beatsPerBar;
  const sub = grid.subdivision;
  const useRide = rng.chance(0.25);
  const hatsPerBeat = style === 'funk' || (style === 'pop' && rng.chance(0.4)) ? Math.max(sub, 4) : sub === 3 ? 3 : 2;
  for (let si = 0; si < ctx.sections.length; si++) {
    const section = ctx.sections[si];
    const e = section.energy;
    const quiet = e < 0.3 && rng.chance(0.5);
    for (const { barBeat, bar } of bars(grid, section)) {
      const v = (a: number): number => energyVelocity(e, a);
      if (bar === 0 && si > 0 && e > 0.4) notes.push({ beat: barBeat, length: 1, pitch: CRASH, velocity: v(15) });
      const lastBar = bar === section.bars - 1 && si < ctx.sections.length - 1;
      if (lastBar && rng.chance(0.7)) {
        // Fill on the last beats of the section.
        const fillBeats = rng.pick([1, 2]);
        const start = barBeat + bpb - fillBeats;
        const step = 1 / (sub === 3 ? 3 : 4);
        let t = 0;
        let tom = 0;
        while (t < fillBeats - 1e-6) {
          notes.push({ beat: start + t, length: step, pitch: rng.chance(0.3) ? SNARE : TOMS[Math.min(TOMS.length - 1, tom)], velocity: v(5 + rng.int(0, 15)) });
          if (rng.chance(0.5)) tom++;
          t += step;
        }
        for (let b = 0; b < bpb - fillBeats; b++) notes.push({ beat: barBeat + b, length: 0.5, pitch: b === 0 ? KICK : CLOSED_HAT, velocity: v(0) });
        continue;
      }
      const cymbal = useRide || e > 0.85 ? RIDE : CLOSED_HAT;
      // Timekeeping.
      if (style !== 'sparse' || rng.chance(0.5)) {
        for (let b = 0; b < bpb; b++) {
          for (let h = 0; h < hatsPerBeat; h++) {
            if (quiet && h % 2 === 1) continue;
            const pos = b + h / hatsPerBeat;
            const shuffleSkip = style === 'shuffle' && hatsPerBeat === 3 && h === 1;
            if (shuffleSkip) continue;
            const open = style === 'disco' && h === 1;
            notes.push({ beat: barBeat + pos, length: 0.25, pitch: open ? OPEN_HAT : cymbal, velocity: v(h === 0 ? 5 : -12) });
          }
        }
      }
      // Kick and snare by style.
      const kick = (pos: number, a = 10): void => { if (pos < bpb) notes.push({ beat: barBeat + pos, length: 0.25, pitch: KICK, velocity: v(a) }); };
      const snare = (pos: number, a = 12): void => { if (pos < bpb) notes.push({ beat: barBeat + pos, length: 0.25, pitch: quiet ? SIDESTICK : SNARE, velocity: v(a) }); };
      switch (style) {
        case 'rock':
          kick(0); kick(2); if (rng.chance(0.5)) kick(2.5, 0); snare(1); snare(3);
          break;
        case 'pop':
          kick(0); if (rng.chance(0.6)) kick(1.5, 0); kick(2); snare(1); snare(3);
          break;
        case 'funk':
          kick(0); kick(0.75, 0); kick(2.5, 3); snare(1); snare(3); if (rng.chance(0.5)) notes.push({ beat: barBeat + 1.75, length: 0.25, pitch: SNARE, velocity: 45 });
          break;
        case 'ballad':
          kick(0); if (rng.chance(0.5)) kick(2.5, -5); snare(2, 5);
          break;
        case 'halftime':
          kick(0); if (rng.chance(0.5)) kick(1.5, 0); snare(2, 15);
          break;
        case 'shuffle':
          kick(0); kick(2); snare(1); snare(3); if (rng.chance(0.4)) kick(2 + 2 / 3, -5);
          break;
        case 'disco':
          for (let b = 0; b < bpb; b++) kick(b, 8); snare(1); snare(3);
          break;
        case 'waltz':
          kick(0); snare(1, -5); snare(2, -5);
          break;
        case 'compound':
          // 6/8 or 12/8: kick on 1, snare on the second big beat of each pair.
          for (let b = 0; b < bpb; b += 2) { kick(b); if (b + 1 < bpb) snare(b + 1); }
          break;
        case 'sparse':
          kick(0, 0); if (bpb > 2) notes.push({ beat: barBeat + 2, length: 0.25, pitch: PEDAL_HAT, velocity: v(-10) });
          break;
      }
    }
  }
  return { notes, controls: [] };
}
