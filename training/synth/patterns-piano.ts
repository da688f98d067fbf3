/**
 * Piano (and other keyboard) parts: comping, arpeggios, ballad, stride, melody over chords and
 * solo runs. Ballad and arpeggio parts use the sustain pedal (CC 64), changed at every chord.
 */
import { bars, chordAt, energyVelocity, type BeatControl, type BeatNote, type PatternContext, type PatternOutput } from './grid.js';
import { melodyLine } from './melody.js';
import { closeVoicing, pitchAtOrAbove } from './music.js';

export type KeysStyle = 'comp' | 'arpeggio' | 'ballad' | 'stride' | 'melody' | 'solo' | 'sustained';
export const PIANO_STYLES: readonly KeysStyle[] = ['comp', 'arpeggio', 'ballad', 'stride', 'melody', 'solo'];

const SUSTAIN = 64;

const COMP_RHYTHMS: readonly (readonly number[])[] = [
  [0, 1, 2, 3], [0, 1.5, 2.5], [0, 2], [0.5, 1.5, 2.5, 3.5], [0, 0.5, 1.5, 2, 3], [0, 1.5, 3], [1, 3],
];

export function keysPattern(ctx: PatternContext, style: KeysStyle): PatternOutput {
  const { grid, rng } = ctx;
  const notes: BeatNote[] = [];
  const controls: BeatControl[] = [];
  const bpb = grid.beatsPerBar;
  const rhLow = rng.int(55, 62);
  const lhLow = rng.int(36, 43);
  const compRhythm = rng.pick(COMP_RHYTHMS).filter((p) => p < bpb);
  const arpUp = rng.chance(0.6);
  const arpStep = grid.subdivision === 3 ? 1 / 3 : rng.pick([0.5, 0.25]);
  const pedal = (beat: number): void => {
    controls.push({ beat: Math.max(0, beat - 0.02), controller: SUSTAIN, value: 0 });
    controls.push({ beat: beat + 0.05, controller: SUSTAIN, value: 127 });
  };
  if (style === 'solo' || style === 'melody') {
    const solo = style === 'solo';
    const line = melodyLine(ctx, ctx.sections, { low: solo ? 60 : 64, high: solo ? 96 : 86, density: solo ? rng.float(2, 4) : rng.float(0.7, 1.5), pentatonic: solo && rng.chance(0.5), rests: 0.1, legato: 0.9 });
    notes.push(...line);
  }
  for (const section of ctx.sections) {
    let lastChordSym = '';
    for (const { barBeat, beatInSection } of bars(grid, section)) {
      const vel = energyVelocity(section.energy, 0);
      const chordAtBeat = (b: number) => chordAt(section, beatInSection + b);
      switch (style) {
        case 'comp':
          for (const pos of compRhythm) {
            const c = chordAtBeat(pos);
            for (const p of closeVoicing(c, rhLow, rng.pick([3, 4]))) notes.push({ beat: barBeat + pos, length: 0.7, pitch: p, velocity: vel });
            if (pos === 0 || rng.chance(0.3)) notes.push({ beat: barBeat + pos, length: 1.5, pitch: pitchAtOrAbove(c.root, lhLow), velocity: vel - 5 });
          }
          break;
        case 'sustained':
        case 'ballad':
          for (let b = 0; b < bpb; b += section.chordBeats >= bpb ? bpb : Math.min(bpb, section.chordBeats)) {
            const c = chordAtBeat(b);
            if (c.symbol !== lastChordSym && style === 'ballad') pedal(barBeat + b);
            lastChordSym = c.symbol;
            const len = Math.min(bpb, section.chordBeats);
            notes.push({ beat: barBeat + b, length: len, pitch: pitchAtOrAbove(c.root, lhLow), velocity: vel - 5 });
            if (style === 'ballad') notes.push({ beat: barBeat + b + 1, length: len - 1, pitch: pitchAtOrAbove(c.root, lhLow) + 7, velocity: vel - 15 });
            const rh = closeVoicing(c, rhLow, 3);
            rh.forEach((p, i) => notes.push({ beat: barBeat + b + (style === 'ballad' ? i * 0.02 : 0), length: len * 0.95, pitch: p, velocity: vel - 8 }));
          }
          break;
        case 'arpeggio': {
          let i = 0;
          for (let t = 0; t < bpb - 1e-6; t += arpStep, i++) {
            const c = chordAtBeat(t);
            if (c.symbol !== lastChordSym) pedal(barBeat + t);
            lastChordSym = c.symbol;
            const tones = closeVoicing(c, lhLow + 12, 7);
            const k = i % (tones.length * 2 - 2);
            const idx = arpUp ? (k < tones.length ? k : tones.length * 2 - 2 - k) : tones.length - 1 - (k % tones.length);
            notes.push({ beat: barBeat + t, length: arpStep * 2, pitch: tones[Math.max(0, Math.min(tones.length - 1, idx))], velocity: vel - 6 + (i % 4 === 0 ? 8 : 0) });
          }
          break;
        }
        case 'stride':
          for (let b = 0; b < bpb; b++) {
            const c = chordAtBeat(b);
            if (b % 2 === 0) {
              const r = pitchAtOrAbove(c.root, lhLow - 7);
              notes.push({ beat: barBeat + b, length: 0.5, pitch: r, velocity: vel + 4 });
              if (rng.chance(0.6)) notes.push({ beat: barBeat + b, length: 0.5, pitch: r + 12, velocity: vel });
            } else {
              for (const p of closeVoicing(c, 52, 3)) notes.push({ beat: barBeat + b, length: 0.4, pitch: p, velocity: vel - 6 });
            }
          }
          // The right hand plays a syncopated melody over the stride bass.
          if (rng.chance(0.9)) {
            const c = chordAtBeat(0);
            for (const pos of [0, 0.5, 1.5, 2.5, 3].filter((p) => p < bpb && rng.chance(0.7))) {
              const top = closeVoicing(c, rhLow + 7, 3);
              notes.push({ beat: barBeat + pos, length: 0.45, pitch: top[rng.int(0, top.length - 1)], velocity: vel + 2 });
            }
          }
          break;
        case 'melody':
        case 'solo':
          // Left hand: sparse chords under the line.
          for (let b = 0; b < bpb; b += Math.max(1, Math.min(bpb, section.chordBeats))) {
            const c = chordAtBeat(b);
            const lh = style === 'solo' ? [pitchAtOrAbove(c.root, lhLow)] : closeVoicing(c, lhLow + 5, 3);
            for (const p of lh) notes.push({ beat: barBeat + b, length: Math.min(bpb, section.chordBeats) * 0.9, pitch: p, velocity: vel - 12 });
          }
          break;
      }
    }
  }
  return { notes, controls };
}
