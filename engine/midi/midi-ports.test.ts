import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStemstreamError } from '../errors.js';
import { FakeMidiSystem } from './fake-midi-binding.js';
import { findPort } from './midi-binding.js';
import { MidiPorts, type MidiDirection } from './midi-ports.js';

function record(p: MidiPorts) {
  const log: string[] = [];
  const messages: Array<[string, number[]]> = [];
  p.on('opened', (d: MidiDirection, port: string, re: boolean) => log.push(`${re ? 'reopened' : 'opened'} ${d} ${port}`));
  p.on('lost', (d: MidiDirection, port: string) => log.push(`lost ${d} ${port}`));
  p.on('message', (port: string, bytes: Uint8Array) => messages.push([port, [...bytes]]));
  return { log, messages };
}

test('findPort: exact name first, then a case-insensitive part', () => {
  const names = ['Midi Through:Midi Through Port-0 14:0', 'FCB1010:FCB1010 MIDI 1 24:0', 'FCB1010'];
  assert.equal(findPort(names, 'FCB1010'), 2);
  assert.equal(findPort(names, 'fcb1010 midi'), 1);
  assert.equal(findPort(names, 'nanoKONTROL'), -1);
});

test('opens several inputs and an output by name; messages carry their port', () => {
  const sys = new FakeMidiSystem();
  sys.inputPorts = ['Pedal A:out', 'Pedal B:out', 'Keys:out'];
  sys.outputPorts = ['Pedal A:in'];
  const p = new MidiPorts(sys, { inputs: ['pedal a', 'Pedal B'], outputs: ['Pedal A'], pollMs: 0 });
  const { log, messages } = record(p);
  const st = p.start();
  assert.equal(st.available, true);
  assert.deepEqual(st.inputs.map((s) => [s.port, s.state]), [['Pedal A:out', 'open'], ['Pedal B:out', 'open']]);
  assert.deepEqual(st.outputs.map((s) => s.port), ['Pedal A:in']);
  assert.equal(sys.openInputs('Keys:out'), 0);
  sys.press('Pedal A:out', [0xb0, 80, 127]);
  sys.press('Pedal B:out', [0x90, 60, 1]);
  sys.press('Keys:out', [0x90, 60, 1]);
  assert.deepEqual(messages, [['Pedal A:out', [0xb0, 80, 127]], ['Pedal B:out', [0x90, 60, 1]]]);
  assert.equal(p.send(undefined, [0xb0, 80, 127]), 1);
  assert.equal(p.send('nothing like it', [0xb0, 80, 127]), 0);
  assert.deepEqual(sys.sent.get('Pedal A:in'), [[0xb0, 80, 127]]);
  assert.deepEqual(log, ['opened input Pedal A:out', 'opened input Pedal B:out', 'opened output Pedal A:in']);
  p.close();
  assert.equal(sys.openInputs('Pedal A:out'), 0);
});

test('hot-plug: a controller that disappears is reported, and reopened when it comes back', () => {
  const sys = new FakeMidiSystem();
  const p = new MidiPorts(sys, { inputs: ['Pedal'], outputs: ['Pedal'], pollMs: 0 });
  const { log, messages } = record(p);
  assert.deepEqual(p.start().inputs.map((s) => s.state), ['missing']);
  sys.inputPorts = ['Pedal:out'];
  sys.outputPorts = ['Pedal:in'];
  p.scan();
  sys.inputPorts = [];
  sys.outputPorts = [];
  p.scan();
  assert.deepEqual(p.status().inputs.map((s) => [s.state, s.port]), [['lost', null]]);
  assert.equal(sys.openInputs('Pedal:out'), 0, 'the lost port was closed');
  p.scan(); // still gone: no new events
  sys.inputPorts = ['Other:out', 'Pedal:out'];
  sys.outputPorts = ['Pedal:in'];
  p.scan();
  sys.press('Pedal:out', [0xb0, 1, 2]);
  assert.deepEqual(messages, [['Pedal:out', [0xb0, 1, 2]]]);
  assert.deepEqual(log, ['opened input Pedal:out', 'opened output Pedal:in', 'lost input Pedal:out', 'lost output Pedal:in', 'reopened input Pedal:out', 'reopened output Pedal:in']);
  assert.equal(p.status().inputs[0].state, 'open');
  p.close();
});

test("'*' opens every input as it appears, except RtMidi's own ports", () => {
  const sys = new FakeMidiSystem();
  sys.inputPorts = ['Pedal:out', 'RtMidi Output Client-02:RtMidi Output'];
  const p = new MidiPorts(sys, { inputs: ['*'], outputs: [], pollMs: 0 });
  p.start();
  assert.deepEqual(p.status().inputs.map((s) => s.port), ['Pedal:out']);
  sys.inputPorts.push('Keys:out');
  p.scan();
  assert.deepEqual(p.status().inputs.map((s) => s.port), ['Pedal:out', 'Keys:out']);
  assert.equal(sys.openInputs('RtMidi Output Client-02:RtMidi Output'), 0);
  p.close();
});

test('the poll runs by itself', async () => {
  const sys = new FakeMidiSystem();
  const p = new MidiPorts(sys, { inputs: ['Pedal'], outputs: [], pollMs: 10 });
  p.start();
  const opened = new Promise<string>((resolve) => p.once('opened', (_d: MidiDirection, port: string) => resolve(port)));
  sys.inputPorts = ['Pedal:out'];
  // the poll timer is unref'd (MIDI never keeps a process alive): hold the loop open meanwhile
  const keepAlive = setTimeout(() => {}, 5000);
  assert.equal(await opened, 'Pedal:out');
  clearTimeout(keepAlive);
  p.close();
});

test('no MIDI system: a clear status, no throw; it is picked up when it appears', () => {
  const sys = new FakeMidiSystem();
  sys.available = false;
  const p = new MidiPorts(sys, { inputs: ['Pedal'], outputs: [], pollMs: 0 });
  const st = p.start();
  assert.equal(st.available, false);
  assert.match(st.reason ?? '', /cannot be opened: Failed to initialise RtMidi/);
  assert.deepEqual(st.inputs.map((s) => s.state), ['missing']);
  assert.equal(p.send(undefined, [0xb0, 1, 1]), 0);
  assert.throws(() => p.listPorts(), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_DEVICE' && /no MIDI system/.test(e.message));
  let announced = false;
  p.on('availability', (s) => (announced = s.available));
  sys.available = true;
  sys.inputPorts = ['Pedal:out'];
  p.scan();
  assert.equal(announced, true);
  assert.equal(p.status().inputs[0].state, 'open');
  p.close();
});

test('precheck refusal (no ALSA sequencer) never touches the native code', () => {
  const sys = new FakeMidiSystem();
  sys.precheckReason = 'no ALSA sequencer on this system';
  const p = new MidiPorts(sys, { inputs: ['*'], outputs: [], pollMs: 0 });
  assert.equal(p.start().reason, 'no ALSA sequencer on this system');
  p.scan();
  assert.equal(sys.handlesCreated, 0);
  p.close();
});

test('no binding at all: status carries the load error', () => {
  const p = new MidiPorts(null, { inputs: [], outputs: [], pollMs: 0, loadError: 'cannot load the MIDI binding: boom' });
  const st = p.start();
  assert.deepEqual([st.available, st.reason, st.binding], [false, 'cannot load the MIDI binding: boom', null]);
  p.close();
});

test('setWanted closes ports no longer wanted and opens new ones', () => {
  const sys = new FakeMidiSystem();
  sys.inputPorts = ['A:out', 'B:out'];
  const p = new MidiPorts(sys, { inputs: ['A'], outputs: [], pollMs: 0 });
  p.start();
  p.setWanted(['B'], []);
  assert.equal(sys.openInputs('A:out'), 0);
  assert.equal(sys.openInputs('B:out'), 1);
  p.close();
});
