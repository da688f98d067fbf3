import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineState } from '../control/control-target.js';
import { MIN_GAIN_DB } from '../mixer/index.js';
import { ccToDb } from './gain-curve.js';
import { parseMidiConfig, type MidiMappingInput } from './mapping-schema.js';
import { MidiMapper } from './mapper.js';
import { parseMidiMessage, type MidiEvent } from './messages.js';
import { testState } from './midi-test-helpers.js';
import { predictState } from './state-view.js';

function mapper(...mappings: MidiMappingInput[]): MidiMapper {
  return new MidiMapper(parseMidiConfig({ mappings }).mappings);
}
function ev(...bytes: number[]): MidiEvent {
  const e = parseMidiMessage(bytes);
  assert.ok(e !== null);
  return e;
}
/** Feed events in order, applying each action to the state like the engine would. */
function play(m: MidiMapper, state: EngineState, events: MidiEvent[], port?: string): EngineState {
  for (const e of events) for (const a of m.handle(e, state, port).actions) state = predictState(state, a);
  return state;
}
const cc = (n: number, v: number, ch = 1) => ev(0xb0 + ch - 1, n, v);

test('toggle: each press (CC ≥ 64) flips, releases do nothing', () => {
  const m = mapper({ trigger: { type: 'cc', controller: 80 }, action: { type: 'stem.mute', stem: 'instrument' } });
  let s = testState();
  assert.deepEqual(m.handle(cc(80, 127), s).actions, [{ type: 'stem.mute', stem: 'instrument', mute: true }]);
  s = play(m, s, [cc(80, 127)]);
  assert.equal(s.mixer.stems.instrument.mute, true);
  assert.deepEqual(m.handle(cc(80, 0), s).actions, []);
  s = play(m, s, [cc(80, 0), cc(80, 100), cc(80, 63)]);
  assert.equal(s.mixer.stems.instrument.mute, false);
  assert.equal(s.mixer.stems.rest.mute, false);
});

test('momentary: on while held, off at release, for CC and notes', () => {
  const m = mapper(
    { trigger: { type: 'cc', controller: 64 }, action: { type: 'stem.solo', stem: 'rest' }, mode: 'momentary' },
    { trigger: { type: 'note', note: 36 }, action: { type: 'bypass' }, mode: 'momentary' },
  );
  let s = play(m, testState(), [cc(64, 127)]);
  assert.equal(s.mixer.stems.rest.solo, true);
  s = play(m, s, [cc(64, 127)]); // still held: stays on
  assert.equal(s.mixer.stems.rest.solo, true);
  s = play(m, s, [cc(64, 0)]);
  assert.equal(s.mixer.stems.rest.solo, false);
  s = play(m, s, [ev(0x90, 36, 90)]);
  assert.equal(s.mixer.bypass, true);
  s = play(m, s, [ev(0x90, 36, 0)]); // note-on velocity 0 = release
  assert.equal(s.mixer.bypass, false);
  s = play(m, s, [ev(0x90, 36, 1), ev(0x80, 36, 0)]);
  assert.equal(s.mixer.bypass, false);
});

test('toggle on notes: note-on flips, note-off ignored', () => {
  const m = mapper({ trigger: { type: 'note', note: 60 }, action: { type: 'transport.play' } });
  let s = play(m, testState(), [ev(0x90, 60, 100), ev(0x80, 60, 0)]);
  assert.equal(s.transport.playing, false);
  s = play(m, s, [ev(0x90, 60, 100), ev(0x90, 60, 0)]);
  assert.equal(s.transport.playing, true);
});

test('channels: a mapping on channel 2 ignores channel 1; "any" takes every channel', () => {
  const m = mapper(
    { trigger: { type: 'cc', channel: 2, controller: 80 }, action: { type: 'stem.mute', stem: 'instrument' } },
    { trigger: { type: 'cc', channel: 'any', controller: 81 }, action: { type: 'stem.mute', stem: 'rest' } },
  );
  const s = testState();
  assert.deepEqual(m.handle(cc(80, 127, 1), s).actions, []);
  assert.deepEqual(m.handle(cc(80, 127, 3), s).actions, []);
  assert.equal(m.handle(cc(80, 127, 2), s).actions.length, 1);
  for (const ch of [1, 9, 16]) assert.deepEqual(m.handle(cc(81, 127, ch), s).actions, [{ type: 'stem.mute', stem: 'rest', mute: true }]);
});

test('input filter: only messages from the named port', () => {
  const m = mapper({ input: 'FCB1010', trigger: { type: 'cc', controller: 80 }, action: { type: 'bypass' } });
  const s = testState();
  assert.equal(m.handle(cc(80, 127), s, 'nanoKONTROL2:port 1').actions.length, 0);
  assert.equal(m.handle(cc(80, 127), s).actions.length, 0);
  assert.equal(m.handle(cc(80, 127), s, 'Behringer fcb1010:MIDI 1 24:0').actions.length, 1);
});

test('gain: CC value → dB along the curve (jump takeover follows at once)', () => {
  const m = mapper({ trigger: { type: 'cc', controller: 7 }, action: { type: 'stem.gain', stem: 'rest' }, takeover: 'jump' });
  const s = testState();
  assert.deepEqual(m.handle(cc(7, 0), s).actions, [{ type: 'stem.gain', stem: 'rest', gainDb: MIN_GAIN_DB }]);
  assert.deepEqual(m.handle(cc(7, 64), s).actions, [{ type: 'stem.gain', stem: 'rest', gainDb: ccToDb(64) }]);
  assert.deepEqual(m.handle(cc(7, 127), s).actions, [{ type: 'stem.gain', stem: 'rest', gainDb: 6 }]);
});

test('soft takeover: a fader far from the value is ignored until it crosses it', () => {
  const m = mapper({ trigger: { type: 'cc', controller: 11 }, action: { type: 'master.gain' } });
  // engine at 0 dB = CC 100; the pedal starts at the bottom
  let s = testState();
  for (const v of [0, 20, 60, 90, 97]) assert.deepEqual(m.handle(cc(11, v), s).actions, [], `value ${v} must not jump the gain`);
  s = play(m, s, [cc(11, 102)]); // crossed 100 between 97 and 102: caught
  assert.ok(Math.abs(s.mixer.masterGainDb - ccToDb(102)) < 1e-9);
  s = play(m, s, [cc(11, 40)]); // now it follows, even in big steps
  assert.ok(Math.abs(s.mixer.masterGainDb - ccToDb(40)) < 1e-9);
});

test('soft takeover: reaching the value from above, landing on it, and release after a change made elsewhere', () => {
  const m = mapper({ trigger: { type: 'cc', controller: 11 }, action: { type: 'master.gain' } });
  let s = testState();
  assert.deepEqual(m.handle(cc(11, 127), s).actions, []);
  s = play(m, s, [cc(11, 101)]); // within the window of 100: caught without crossing
  assert.ok(Math.abs(s.mixer.masterGainDb - ccToDb(101)) < 1e-9);
  s = play(m, s, [cc(11, 110)]);
  // the UI sets −20 dB: the fader (at 110) lets go until it meets −20 dB again
  s = { ...s, mixer: { ...s.mixer, masterGainDb: -20 } };
  assert.deepEqual(m.handle(cc(11, 115), s).actions, []);
  assert.deepEqual(m.handle(cc(11, 120), s).actions, []);
  const caught = m.handle(cc(11, 30), s).actions; // 120 → 30 crosses the CC of −20 dB (≈ 57)
  assert.equal(caught.length, 1);
});

test('program change selects presets: by list index, or a fixed program → preset', () => {
  const m = mapper(
    { trigger: { type: 'program', channel: 1 }, action: { type: 'preset.select', names: ['clean', 'crunch', 'lead'] } },
    { trigger: { type: 'program', channel: 2, program: 9 }, action: { type: 'preset.load', name: 'practice' } },
  );
  const s = testState();
  assert.deepEqual(m.handle(ev(0xc0, 1), s).actions, [{ type: 'preset.load', name: 'crunch' }]);
  assert.deepEqual(m.handle(ev(0xc0, 5), s).actions, [], 'past the list: nothing');
  assert.deepEqual(m.handle(ev(0xc1, 9), s).actions, [{ type: 'preset.load', name: 'practice' }]);
  assert.deepEqual(m.handle(ev(0xc1, 8), s).actions, []);
});

test('one-shots fire on press only: preset next/previous, model, fixed latency; latency range follows a CC', () => {
  const m = mapper(
    { trigger: { type: 'cc', controller: 82 }, action: { type: 'preset.step', delta: -1 } },
    { trigger: { type: 'cc', controller: 83 }, action: { type: 'preset.step', delta: 1 } },
    { trigger: { type: 'note', note: 40 }, action: { type: 'model.select', name: 'piano' } },
    { trigger: { type: 'note', note: 41 }, action: { type: 'latency.set', latencyMs: 80 } },
    { trigger: { type: 'cc', controller: 20 }, action: { type: 'latency.set', rangeMs: [50, 300] }, takeover: 'jump' },
  );
  const s = testState();
  assert.deepEqual(m.handle(cc(83, 127), s).actions, [{ type: 'preset.step', delta: 1 }]);
  assert.deepEqual(m.handle(cc(83, 0), s).actions, []);
  assert.deepEqual(m.handle(cc(82, 127), s).actions, [{ type: 'preset.step', delta: -1 }]);
  assert.deepEqual(m.handle(ev(0x90, 40, 1), s).actions, [{ type: 'model.select', name: 'piano' }]);
  assert.deepEqual(m.handle(ev(0x80, 40, 0), s).actions, []);
  assert.deepEqual(m.handle(ev(0x90, 41, 1), s).actions, [{ type: 'latency.set', latencyMs: 80 }]);
  assert.deepEqual(m.handle(cc(20, 127), s).actions, [{ type: 'latency.set', latencyMs: 300 }]);
});

test('learn mode: the next press binds, its release is skipped, then the mapping works', () => {
  const m = mapper({ trigger: { type: 'cc', controller: 80 }, action: { type: 'bypass' } });
  m.beginLearn({ action: { type: 'stem.mute', stem: 'rest' }, mode: 'momentary' });
  assert.ok(m.learning);
  const s = testState();
  assert.equal(m.handle(cc(5, 0, 3), s).learned, null, 'a release does not bind a switch');
  const r = m.handle(cc(5, 127, 3), s);
  assert.deepEqual(r.actions, [], 'the learning press fires nothing');
  assert.deepEqual(r.learned, { trigger: { type: 'cc', channel: 3, controller: 5 }, action: { type: 'stem.mute', stem: 'rest' }, mode: 'momentary', takeover: 'soft' });
  assert.equal(m.learning, false);
  assert.equal(m.mappings.length, 2);
  assert.deepEqual(m.handle(cc(5, 127, 3), s).actions, [{ type: 'stem.mute', stem: 'rest', mute: true }]);
  assert.deepEqual(m.handle(cc(5, 127, 4), s).actions, [], 'learned mappings are channel-exact');
  // learning the same trigger again replaces the mapping
  m.beginLearn({ action: { type: 'bypass' } });
  m.handle(cc(5, 127, 3), s);
  assert.equal(m.mappings.length, 2);
  assert.deepEqual(m.handle(cc(5, 127, 3), s).actions, [{ type: 'bypass', on: true }]);
});

test('learn a program change for preset.select binds every program on that channel', () => {
  const m = mapper();
  m.beginLearn({ action: { type: 'preset.select', names: ['a', 'b'] } });
  const r = m.handle(ev(0xc4, 1), testState());
  assert.deepEqual(r.learned?.trigger, { type: 'program', channel: 5 });
});

test('feedback: LED on/off per toggle state, only on change; notes and explicit addresses', () => {
  const m = mapper(
    { trigger: { type: 'cc', channel: 'any', controller: 80 }, action: { type: 'stem.mute', stem: 'instrument' }, feedback: true },
    { trigger: { type: 'note', channel: 2, note: 36 }, action: { type: 'bypass' }, feedback: true },
    { trigger: { type: 'cc', controller: 81 }, action: { type: 'stem.solo', stem: 'rest' }, feedback: { output: 'LEDs', type: 'cc', channel: 5, number: 1, on: 100, off: 10 } },
    { trigger: { type: 'cc', controller: 82 }, action: { type: 'transport.loop' } }, // no feedback asked
  );
  let s = testState();
  assert.deepEqual(m.feedback(s), [
    { output: undefined, bytes: [0xb0, 80, 0] },
    { output: undefined, bytes: [0x91, 36, 0] },
    { output: 'LEDs', bytes: [0xb4, 1, 10] },
  ]);
  assert.deepEqual(m.feedback(s), [], 'nothing changed, nothing sent');
  s = play(m, s, [cc(80, 127)]);
  assert.deepEqual(m.feedback(s), [{ output: undefined, bytes: [0xb0, 80, 127] }]);
  s = play(m, s, [ev(0x91, 36, 127)]);
  assert.deepEqual(m.feedback(s), [{ output: undefined, bytes: [0x91, 36, 127] }]);
  m.resetFeedback();
  assert.equal(m.feedback(s).length, 3);
});

test('feedback for a fader: the CC position of the current gain', () => {
  const m = mapper({ trigger: { type: 'cc', controller: 7 }, action: { type: 'stem.gain', stem: 'instrument' }, feedback: true });
  const s = testState();
  assert.deepEqual(m.feedback(s), [{ output: undefined, bytes: [0xb0, 7, 100] }]);
});
