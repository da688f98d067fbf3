/**
 * When each note of a part stops sounding on a stringed instrument with dampers: at its note-off,
 * or, while the sustain pedal (CC 64) is down, at the next pedal-up; and when the same pitch is
 * struck again (one string per pitch). Shared by the waveguide strings and the sampler.
 */
import type { Part } from './song.js';

/**
 * Sample position of each note's release, in `part.notes` order (Infinity: rings out). Pitches
 * for which `undamped` is true have no damper (a piano's top keys): only a new strike stops them.
 */
export function releaseTimes(part: Part, sampleRate: number, undamped: (pitch: number) => boolean = () => false): number[] {
  const pedal = part.controls.filter((c) => c.controller === 64).sort((a, b) => a.time - b.time);
  const pedalUpAfter = (t: number): number => {
    // Down at t? Then the note sounds until the next pedal-up.
    let down = false;
    let i = 0;
    for (; i < pedal.length && pedal[i].time <= t; i++) down = pedal[i].value >= 64;
    if (!down) return t;
    for (; i < pedal.length; i++) if (pedal[i].value < 64) return pedal[i].time;
    return Infinity;
  };
  // A repeated pitch ends the previous note when it restarts (one string per pitch).
  const nextSame = new Map<number, number>();
  const order = part.notes.map((_, i) => i).sort((a, b) => part.notes[b].time - part.notes[a].time);
  const out = new Array<number>(part.notes.length);
  for (const i of order) {
    const n = part.notes[i];
    const off = undamped(n.pitch) ? Infinity : pedalUpAfter(n.time + n.duration);
    const next = nextSame.get(n.pitch) ?? Infinity;
    out[i] = Math.round(Math.min(off, next) * sampleRate);
    nextSame.set(n.pitch, n.time);
  }
  return out;
}
