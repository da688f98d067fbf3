/**
 * Guitar parts: strummed chords (down/up strokes with per-string delay), fingerpicking (Travis and
 * arpeggio patterns), palm-muted chugs, power-chord rhythm, single-note riffs and lead lines.
 */
import { bars, chordAt, energyVelocity, type BeatNote, type PatternContext, type PatternOutput } from './grid.js';
import { melodyLine } from './melody.js';
import { guitarVoicing, pentatonicPitches, pitchAtOrAbove, powerChord } from './music.js';

export type GuitarStyle = 'strum' | 'fingerpick' | 'muted' | 'power' | 'riff' | 'lead' | 'arpeggio-clean';
export const GUITAR_STYLES: readonly GuitarStyle[] = ['strum', 'fingerpick', 'muted', 'power', 'riff', 'lead', 'arpeggio-clean'];

/** Strum patterns as (position in beats, down stroke?) per bar of 4 beats; other meters truncate. */
const STRUMS: readonly (readonly [number, boolean][])[] = [
  [[0, true], [1, true], [2, true], [3, true]],
  [[0, true], [1, true], [1.5, false], [2.5, false], [3, true], [3.5, false]],
  [[0, true], [0.5, false], [1, true], [1.5, false], [2, true], [2.5, false], [3, true], [3.5, false]],
  [[0, true], [1.5, false], [2, true], [2.5, false], [3.5, false]],
  [[0, true], [2, true], [2.5, false], [3, true]],
  [[0, true], [0.75, false], [1.5, true], [2, true], [2.75, false], [3.5, true]],
];

/** One strum: the chord's notes staggered by `spreadBeats` per string, upstrokes reversed. */
function strum(notes: BeatNote[], beat: number, voicing: number[], down: boolean, velocity: number, length: number, spreadBeats: number, strings: number): void {
  const order = down ? voicing : voicing.slice().reverse();
  const used = down ? order : order.slice(0, Math.max(3, strings - 2));
  used.forEach((pitch, i) => {
    notes.push({ beat: beat + i * spreadBeats, length, pitch, velocity: velocity - i * (down ? 1 : 2) - (down ? 0 : 8) });
  });
}

export function guitarPattern(ctx: PatternContext, style: GuitarStyle): PatternOutput {
  const { grid, rng } = ctx;
  const notes: BeatNote[] = [];
  const bpb = grid.beatsPerBar;
  const spread = (rng.float(0.006, 0.02) * grid.tempoBpm) / 60; // 6–20 ms per string, in beats
  const strings = rng.pick([4, 5, 6]);
  if (style === 'lead') {
    const line = melodyLine(ctx, ctx.sections, { low: 55, high: 86, density: rng.float(1.2, 3), pentatonic: rng.chance(0.7), rests: 0.15, legato: rng.float(0.7, 1) });
    return { notes: line, controls: [] };
  }
  const strumPattern = rng.pick(STRUMS).filter(([p]) => p < bpb);
  const compoundStrum: [number, boolean][] = [];
  for (let b = 0; b < bpb; b++) for (let s = 0; s < grid.subdivision; s++) if (s !== 1 || rng.chance(0.5)) compoundStrum.push([b + s / grid.subdivision, s % 2 === 0]);
  const pickOrder = rng.pick([[0, 2, 1, 3, 0, 2, 1, 3], [0, 1, 2, 3, 2, 1], [0, 3, 1, 3, 2, 3, 1, 3], [0, 2, 3, 1]]);
  const riffSteps = Array.from({ length: bpb * 2 }, () => (rng.chance(0.7) ? rng.int(0, 4) : -1));
  const muteRhythm = Array.from({ length: bpb * 2 }, (_, i) => i === 0 || rng.chance(0.75));
  const powerRhythm = rng.pick([[0, 1, 2, 3], [0, 0.5, 1.5, 2, 2.5, 3.5], [0, 1.5, 3], [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]]).filter((p) => p < bpb);
  const minor = ctx.mode !== 'major' && ctx.mode !== 'mixolydian';
  for (const section of ctx.sections) {
    for (const { barBeat, beatInSection } of bars(grid, section)) {
      const vel = energyVelocity(section.energy, 0);
      const chordAtBeat = (b: number) => chordAt(section, beatInSection + b);
      switch (style) {
        case 'strum': {
          const pattern = grid.subdivision === 3 ? compoundStrum : strumPattern;
          let voicing = guitarVoicing(chordAtBeat(0), rng, strings);
          let lastChord = chordAtBeat(0);
          pattern.forEach(([pos, down], i) => {
            const c = chordAtBeat(pos);
            if (c !== lastChord) { voicing = guitarVoicing(c, rng, strings); lastChord = c; }
            const next = i + 1 < pattern.length ? pattern[i + 1][0] : bpb;
            strum(notes, barBeat + pos, voicing, down, vel + (down ? 6 : 0), next - pos, spread, strings);
          });
          break;
        }
        case 'fingerpick':
        case 'arpeggio-clean': {
          const step = grid.subdivision === 3 ? 1 / 3 : 0.5;
          for (let t = 0; t < bpb - 1e-6; t += step) {
            const c = chordAtBeat(t);
            const v = guitarVoicing(c, rng.fork(c.symbol), 6);
            const k = Math.round(t / step);
            // Travis picking: thumb alternates root and fifth on the beats, fingers on top strings.
            if (style === 'fingerpick' && Math.abs(t - Math.round(t)) < 1e-6) {
              const thumb = Math.round(t) % 2 === 0 ? v[0] : v[Math.min(2, v.length - 1)] - 12 >= 38 ? v[Math.min(2, v.length - 1)] - 12 : v[1];
              notes.push({ beat: barBeat + t, length: 1.2, pitch: thumb, velocity: vel });
              if (rng.chance(0.5)) notes.push({ beat: barBeat + t, length: 1, pitch: v[v.length - 1 - (k % 2)], velocity: vel - 10 });
            } else {
              const idx = 1 + (pickOrder[k % pickOrder.length] % Math.max(1, v.length - 1));
              notes.push({ beat: barBeat + t, length: step * 3, pitch: v[Math.min(v.length - 1, idx)], velocity: vel - 8 });
            }
          }
          break;
        }
        case 'muted':
          for (let i = 0; i < bpb * 2; i++) {
            if (!muteRhythm[i]) continue;
            const c = chordAtBeat(i / 2);
            const r = pitchAtOrAbove(c.root, 40);
            const chordHit = i % 4 === 0 && rng.chance(0.4);
            for (const p of chordHit ? [r, r + 7] : [r]) notes.push({ beat: barBeat + i / 2, length: 0.18, pitch: p, velocity: vel + (i % 2 === 0 ? 6 : -4) });
          }
          break;
        case 'power':
          powerRhythm.forEach((pos, i) => {
            const c = chordAtBeat(pos);
            const next = i + 1 < powerRhythm.length ? powerRhythm[i + 1] : bpb;
            for (const p of powerChord(c.root, 40)) notes.push({ beat: barBeat + pos, length: (next - pos) * 0.9, pitch: p, velocity: vel + 10 });
          });
          break;
        case 'riff': {
          const pent = pentatonicPitches(ctx.keyRoot, minor, 40, 64);
          for (let i = 0; i < bpb * 2; i++) {
            const s = riffSteps[i];
            if (s < 0) continue;
            const c = chordAtBeat(i / 2);
            const base = pent.findIndex((p) => p % 12 === c.root) >= 0 ? pent.findIndex((p) => p % 12 === c.root) : 0;
            const pitch = pent[Math.min(pent.length - 1, base + s)];
            notes.push({ beat: barBeat + i / 2, length: 0.45, pitch, velocity: vel + 8 });
          }
          break;
        }
      }
    }
  }
  return { notes, controls: [] };
}
