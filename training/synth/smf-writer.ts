/**
 * A minimal Standard MIDI File writer (format 0, one track) for parts rendered by external synths
 * (timidity for freepats). Times in seconds map to ticks at a fixed 120 BPM, 960 ticks per beat.
 */
import type { Part } from './song.js';

const TICKS_PER_BEAT = 960;
const TICKS_PER_SECOND = TICKS_PER_BEAT * 2; // 120 BPM

function varLen(value: number): number[] {
  let v = Math.max(0, Math.round(value));
  const bytes = [v & 0x7f];
  v >>>= 7;
  while (v > 0) {
    bytes.unshift((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  return bytes;
}

/** SMF bytes playing `part` on `channel` with GM `program` (bank select MSB `bank`). */
export function partToSmf(part: Part, channel: number, program: number, bank = 0): Uint8Array {
  const events: { tick: number; order: number; bytes: number[] }[] = [];
  const ch = channel & 0x0f;
  events.push({ tick: 0, order: 0, bytes: [0xb0 | ch, 0, bank & 0x7f] });
  events.push({ tick: 0, order: 0, bytes: [0xc0 | ch, program & 0x7f] });
  events.push({ tick: 0, order: 0, bytes: [0xb0 | ch, 91, 0] });
  events.push({ tick: 0, order: 0, bytes: [0xb0 | ch, 93, 0] });
  for (const n of part.notes) {
    const on = Math.round(n.time * TICKS_PER_SECOND);
    const off = Math.max(on + 1, Math.round((n.time + n.duration) * TICKS_PER_SECOND));
    events.push({ tick: on, order: 2, bytes: [0x90 | ch, n.pitch & 0x7f, Math.max(1, n.velocity & 0x7f)] });
    events.push({ tick: off, order: 1, bytes: [0x80 | ch, n.pitch & 0x7f, 0] });
  }
  for (const c of part.controls) events.push({ tick: Math.round(c.time * TICKS_PER_SECOND), order: 1, bytes: [0xb0 | ch, c.controller & 0x7f, c.value & 0x7f] });
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const track: number[] = [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20]; // tempo 500000 µs/beat
  let last = 0;
  for (const e of events) {
    track.push(...varLen(e.tick - last), ...e.bytes);
    last = e.tick;
  }
  track.push(0x00, 0xff, 0x2f, 0x00);
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, (TICKS_PER_BEAT >> 8) & 0xff, TICKS_PER_BEAT & 0xff];
  const len = track.length;
  const trackHeader = [0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff];
  return Uint8Array.from([...header, ...trackHeader, ...track]);
}
