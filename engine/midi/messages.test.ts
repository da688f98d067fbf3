import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMidiEvent, formatMidiEvent, parseMidiMessage, type MidiEvent } from './messages.js';

test('channel-voice messages parse with 1-based channels', () => {
  assert.deepEqual(parseMidiMessage([0xb0, 80, 127]), { kind: 'cc', channel: 1, controller: 80, value: 127 });
  assert.deepEqual(parseMidiMessage(Buffer.from([0xbf, 7, 0])), { kind: 'cc', channel: 16, controller: 7, value: 0 });
  assert.deepEqual(parseMidiMessage([0x93, 60, 100]), { kind: 'noteon', channel: 4, note: 60, velocity: 100 });
  assert.deepEqual(parseMidiMessage([0x83, 60, 64]), { kind: 'noteoff', channel: 4, note: 60, velocity: 64 });
  assert.deepEqual(parseMidiMessage([0xc1, 5]), { kind: 'program', channel: 2, program: 5 });
});

test('note-on with velocity 0 is a note-off', () => {
  assert.deepEqual(parseMidiMessage([0x90, 60, 0]), { kind: 'noteoff', channel: 1, note: 60, velocity: 0 });
});

test('hostile and unused bytes give null, never throw', () => {
  const bad: number[][] = [[], [0x40, 1, 2], [0xb0], [0xb0, 80], [0xb0, 128, 0], [0xb0, 1, 200], [0x90, -1, 3], [0xc0], [0xf8], [0xf0, 1, 2, 0xf7], [0xe0, 0, 64], [0xa0, 60, 1], [0xb0, 1.5, 2]];
  for (const b of bad) assert.equal(parseMidiMessage(b), null, JSON.stringify(b));
});

test('encode → parse round-trips every kind', () => {
  const events: MidiEvent[] = [
    { kind: 'cc', channel: 3, controller: 64, value: 90 },
    { kind: 'noteon', channel: 16, note: 127, velocity: 1 },
    { kind: 'noteoff', channel: 1, note: 0, velocity: 0 },
    { kind: 'program', channel: 10, program: 42 },
  ];
  for (const e of events) assert.deepEqual(parseMidiMessage(encodeMidiEvent(e)), e);
  assert.equal(formatMidiEvent(events[0]), 'ch  3  cc 64 = 90');
});
