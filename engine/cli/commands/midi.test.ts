import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { isStemstreamError } from '../../errors.js';
import { FakeMidiSystem } from '../../midi/fake-midi-binding.js';
import { midiLearn, midiMonitor, midiPorts, parseActionSpec, registerMidi, type MidiIo } from './midi.js';

function io(binding: MidiIo['binding']): MidiIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { binding, stdout: (s) => void (out += s), stderr: (s) => void (err += s), out: () => out, err: () => err };
}

function system(): FakeMidiSystem {
  const sys = new FakeMidiSystem();
  sys.inputPorts = ['FCB1010:out', 'Keys:out'];
  sys.outputPorts = ['FCB1010:in'];
  return sys;
}

test('midi ports lists inputs and outputs', () => {
  const o = io(system());
  midiPorts({}, o);
  assert.match(o.out(), /inputs \(controllers that send\):\n {2}0: FCB1010:out\n {2}1: Keys:out\n/);
  assert.match(o.out(), /outputs \(for LED feedback\):\n {2}0: FCB1010:in\n/);
  const j = io(system());
  midiPorts({ json: true }, j);
  assert.deepEqual(JSON.parse(j.out()), { binding: 'fake', inputs: ['FCB1010:out', 'Keys:out'], outputs: ['FCB1010:in'] });
});

test('midi ports without a MIDI system: SS_ERR_DEVICE with the reason', () => {
  const sys = system();
  sys.precheckReason = 'no ALSA sequencer on this system';
  assert.throws(() => midiPorts({}, io(sys)), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_DEVICE' && /no MIDI system: no ALSA sequencer/.test(e.message));
});

test('midi monitor prints parsed messages with their port, and raw bytes it does not parse', async () => {
  const sys = system();
  const o = io(sys);
  const ac = new AbortController();
  const done = midiMonitor({ inputs: ['fcb'], signal: ac.signal }, o);
  sys.press('FCB1010:out', [0xb0, 80, 127]);
  sys.press('FCB1010:out', [0xf8]);
  sys.press('Keys:out', [0x90, 60, 100]); // not monitored
  ac.abort();
  assert.equal(await done, 2);
  const lines = o.out().trim().split('\n');
  assert.match(lines[0], /FCB1010:out {2}ch {2}1 {2}cc 80 = 127$/);
  assert.match(lines[1], /FCB1010:out {2}\(f8\)$/);
  assert.match(o.err(), /listening to FCB1010:out/);
});

test('midi learn returns the mapping for the first press (a release before it is skipped)', async () => {
  const sys = system();
  const o = io(sys);
  const p = midiLearn({ inputs: ['*'], request: { action: parseActionSpec('mute:instrument'), mode: 'momentary' }, timeoutS: 5 }, o);
  sys.press('Keys:out', [0xb2, 64, 0]);
  sys.press('Keys:out', [0xb2, 64, 127]);
  const { mapping, port } = await p;
  assert.equal(port, 'Keys:out');
  assert.deepEqual(mapping, { trigger: { type: 'cc', channel: 3, controller: 64 }, action: { type: 'stem.mute', stem: 'instrument' }, mode: 'momentary', takeover: 'soft' });
});

test('midi learn times out with SS_ERR_DEVICE', async () => {
  await assert.rejects(midiLearn({ inputs: ['*'], request: { action: { type: 'bypass' } }, timeoutS: 0.05 }, io(system())), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_DEVICE');
});

test('action shorthands and JSON; bad ones are usage errors', () => {
  assert.deepEqual(parseActionSpec('gain:rest'), { type: 'stem.gain', stem: 'rest' });
  assert.deepEqual(parseActionSpec('next'), { type: 'preset.step', delta: 1 });
  assert.deepEqual(parseActionSpec('preset:Clean: live'), { type: 'preset.load', name: 'Clean: live' });
  assert.deepEqual(parseActionSpec('latency:120'), { type: 'latency.set', latencyMs: 120 });
  assert.deepEqual(parseActionSpec('{"type":"preset.select","names":["a"]}'), { type: 'preset.select', names: ['a'] });
  for (const bad of ['mute:drums', 'explode', 'latency:0', 'model:', '{"type":"stem.mute"}', '{oops']) {
    assert.throws(() => parseActionSpec(bad), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_OPTION', bad);
  }
});

test('registerMidi adds ports, monitor and learn', () => {
  const program = new Command('stemstream');
  registerMidi(program);
  const midi = program.commands.find((c) => c.name() === 'midi');
  assert.deepEqual(midi?.commands.map((c) => c.name()), ['ports', 'monitor', 'learn']);
});
