/** Bass lines: roots, root–fifth, eighth-note drive, walking, syncopated and octave patterns. */
import { bars, chordAt, energyVelocity, type BeatNote, type PatternContext, type PatternOutput } from './grid.js';
import { pitchAtOrAbove, SCALES } from './music.js';

export type BassStyle = 'roots' | 'root-fifth' | 'eighths' | 'walking' | 'syncopated' | 'octaves';
export const BASS_STYLES: readonly BassStyle[] = ['roots', 'root-fifth', 'eighths', 'walking', 'syncopated', 'octaves'];

export function bassPattern(ctx: PatternContext, style: BassStyle): PatternOutput {
  const { grid, rng } = ctx;
  const notes: BeatNote[] = [];
  const bpb = grid.beatsPerBar;
  const low = rng.pick([28, 31, 33]);
  const scale = SCALES[ctx.mode].map((d) => (ctx.keyRoot + d) % 12);
  for (const section of ctx.sections) {
    for (const { barBeat, beatInSection } of bars(grid, section)) {
      const v = (a: number): number => energyVelocity(section.energy, a);
      for (let b = 0; b < bpb; b++) {
        const chord = chordAt(section, beatInSection + b);
        const root = pitchAtOrAbove(chord.root, low);
        const fifth = root + 7;
        const add = (pos: number, pitch: number, len: number, a = 0): void => { notes.push({ beat: barBeat + pos, length: len, pitch, velocity: v(a) }); };
        switch (style) {
          case 'roots':
            if (b === 0 || (b === Math.floor(bpb / 2) && rng.chance(0.6))) add(b, root, b === 0 ? Math.min(bpb, 2) : 1, b === 0 ? 8 : 0);
            break;
          case 'root-fifth':
            add(b, b % 2 === 0 ? root : fifth > 52 ? fifth - 12 : fifth, 0.9, b === 0 ? 8 : 0);
            break;
          case 'eighths':
            add(b, root, 0.45, b === 0 ? 8 : 0);
            add(b + 0.5, root, 0.45, -6);
            break;
          case 'walking': {
            // Chord tone on 1, scale steps after, a chromatic approach on the last beat.
            const nextChord = chordAt(section, beatInSection + bpb);
            const target = pitchAtOrAbove(nextChord.root, low);
            let p = root;
            if (b === bpb - 1) p = target + (rng.chance(0.5) ? 1 : -1);
            else if (b > 0) {
              const cand = [root + 2, root + 4, root + 5, root + 7, root + 9, root - 1, root + 3].filter((q) => scale.includes(q % 12));
              p = rng.pick(cand.length ? cand : [fifth]);
            }
            add(b, p, 0.95, b === 0 ? 8 : 0);
            break;
          }
          case 'syncopated':
            if (b === 0) add(0, root, 0.7, 10);
            if (b === 1 && rng.chance(0.7)) add(1.5, root, 0.4, 0);
            if (b === 2) add(2.25 < bpb ? 2 : b, rng.chance(0.3) ? fifth : root, 0.5, 4);
            if (b === bpb - 1 && rng.chance(0.6)) add(b + 0.5, root + (rng.chance(0.5) ? 12 : 10), 0.4, -4);
            break;
          case 'octaves':
            add(b, root, 0.45, 6);
            add(b + 0.5, root + 12, 0.4, -8);
            break;
        }
      }
    }
  }
  return { notes, controls: [] };
}
