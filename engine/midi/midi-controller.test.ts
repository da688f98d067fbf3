import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { parseMidiConfig, type MidiConfigInput } from './mapping-schema.js';
import { FakeMidiSystem } from './fake-midi-binding.js';
import { MidiController } from './midi-controller.js';
import { RecordingTarget } from './midi-test-helpers.js';
import { ccToDb } from './gain-curve.js';

function setup(config: MidiConfigInput, opts: { tickMs?: number; maxQueuedSteps?: number } = {}) {
  const sys = new FakeMidiSystem();
  sys.inputPorts = ['Pedal:out'];
  sys.outputPorts = ['Pedal:in'];
  const target = new RecordingTarget();
  const ctl = new MidiController({ target, binding: sys, config: parseMidiConfig(config), pollMs: 0, ...opts });
  ctl.start();
  return { sys, target, ctl };
}

const FOOT: MidiConfigInput = {
  inputs: ['Pedal'],
  outputs: ['Pedal'],
  mappings: [
    { trigger: { type: 'cc', controller: 80 }, action: { type: 'stem.mute', stem: 'instrument' }, feedback: true },
    { trigger: { type: 'cc', controller: 7 }, action: { type: 'stem.gain', stem: 'rest' }, takeover: 'jump' },
    { trigger: { type: 'cc', controller: 83 }, action: { type: 'preset.step', delta: 1 } },
    { trigger: { type: 'cc', controller: 84 }, action: { type: 'transport.loop' } },
  ],
};

test('a pedal press reaches the target and its LED follows', async () => {
  const { sys, target, ctl } = setup(FOOT);
  assert.deepEqual(sys.sent.get('Pedal:in'), [[0xb0, 80, 0]], 'LEDs show the state when the output opens');
  sys.press('Pedal:out', [0xb0, 80, 127]);
  sys.press('Pedal:out', [0xb0, 80, 0]);
  await ctl.drain();
  assert.deepEqual(target.applied, [{ type: 'stem.mute', stem: 'instrument', mute: true }]);
  assert.equal(target.current.mixer.stems.instrument.mute, true);
  assert.deepEqual(sys.sent.get('Pedal:in')?.at(-1), [0xb0, 80, 127]);
  // the UI unmutes: the LED goes off
  await target.fromUi({ type: 'stem.mute', stem: 'instrument', mute: false });
  assert.deepEqual(sys.sent.get('Pedal:in')?.at(-1), [0xb0, 80, 0]);
  // and the next press toggles from the new state
  sys.press('Pedal:out', [0xb0, 80, 127]);
  await ctl.drain();
  assert.equal(target.current.mixer.stems.instrument.mute, true);
  ctl.close();
});

test('a burst: toggles resolve against queued changes, faders coalesce to the latest value', async () => {
  const { sys, target, ctl } = setup(FOOT);
  for (let i = 0; i < 5; i++) sys.press('Pedal:out', [0xb0, 80, 127]); // 5 presses in one turn: muted
  for (let v = 0; v <= 127; v++) sys.press('Pedal:out', [0xb0, 7, v]);
  sys.press('Pedal:out', [0xb0, 7, 90]);
  await ctl.drain();
  assert.equal(target.current.mixer.stems.instrument.mute, true);
  assert.ok(Math.abs(target.current.mixer.stems.rest.gainDb - ccToDb(90)) < 1e-9);
  assert.equal(target.applied.length, 2, `one delivery per control: ${JSON.stringify(target.applied)}`);
  const s = ctl.stats();
  assert.equal(s.received, 134);
  assert.equal(s.coalesced, 132);
  assert.equal(s.applied, 2);
  ctl.close();
});

test('deliveries are spaced by the tick; steps queue up to the limit', async () => {
  const { sys, target, ctl } = setup(FOOT, { tickMs: 40, maxQueuedSteps: 3 });
  sys.press('Pedal:out', [0xb0, 7, 10]);
  await tick();
  await tick();
  assert.equal(target.applied.length, 1, 'an idle controller delivers at once');
  sys.press('Pedal:out', [0xb0, 7, 20]);
  await tick();
  await tick();
  assert.equal(target.applied.length, 1, 'the next change waits for the tick');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(target.applied.length, 2);
  for (let i = 0; i < 10; i++) sys.press('Pedal:out', [0xb0, 83, 127]);
  await ctl.drain();
  assert.equal(target.applied.filter((a) => a.type === 'preset.step').length, 3);
  assert.equal(ctl.stats().dropped, 7);
  ctl.close();
});

test('a refused action is a warning, not a crash', async () => {
  const { sys, target, ctl } = setup(FOOT);
  target.refuse.add('transport.loop');
  const warnings: string[] = [];
  ctl.on('warning', (m) => warnings.push(m));
  sys.press('Pedal:out', [0xb0, 84, 127]);
  await ctl.drain();
  assert.equal(ctl.stats().failed, 1);
  assert.match(warnings[0] ?? '', /transport\.loop refused: SS_ERR_BAD_MESSAGE/);
  ctl.close();
});

test('learn through the controller: the next press binds and works at once', async () => {
  const { sys, target, ctl } = setup({ inputs: ['Pedal'], mappings: [] });
  const learned = ctl.learn({ action: { type: 'bypass' } }, 2000);
  sys.press('Pedal:out', [0x95, 36, 100]);
  const m = await learned;
  assert.deepEqual(m.trigger, { type: 'note', channel: 6, note: 36 });
  assert.equal(ctl.config().mappings.length, 1);
  sys.press('Pedal:out', [0x95, 36, 100]);
  await ctl.drain();
  assert.deepEqual(target.applied, [{ type: 'bypass', on: true }]);
  await assert.rejects(ctl.learn({ action: { type: 'bypass' } }, 20), /no control was moved/);
  ctl.close();
});

test('no MIDI system: the controller runs on with a clear status', () => {
  const sys = new FakeMidiSystem();
  sys.available = false;
  const target = new RecordingTarget();
  const ctl = new MidiController({ target, binding: sys, config: parseMidiConfig({}), pollMs: 0 });
  const st = ctl.start();
  assert.equal(st.available, false);
  assert.ok(st.reason);
  ctl.inject('ui', [0xb0, 80, 127]); // nothing mapped: ignored
  assert.equal(ctl.stats().ignored, 1);
  ctl.close();
});

test('the LED state is sent again once a freshly opened output has settled', async () => {
  const { sys, ctl } = setup(FOOT);
  assert.deepEqual(sys.sent.get('Pedal:in'), [[0xb0, 80, 0]]);
  await new Promise((r) => setTimeout(r, 400));
  // a message written while the port was being connected may have been lost: the full state again
  assert.deepEqual(sys.sent.get('Pedal:in'), [[0xb0, 80, 0], [0xb0, 80, 0]]);
  ctl.close();
  const before = sys.sent.get('Pedal:in')?.length;
  const again = setup(FOOT);
  again.ctl.close(); // closed before the resend: nothing more is sent
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(again.sys.sent.get('Pedal:in')?.length, 1);
  assert.equal(sys.sent.get('Pedal:in')?.length, before);
});
