import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStemstreamError } from '../errors.js';
import { loadDefaultMidiConfig } from './default-mappings.js';
import { parseMidiConfig, parseMidiMapping } from './mapping-schema.js';

function rejects(json: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseMidiConfig({ mappings: [json] }, 'test preset'),
    (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_MESSAGE' && pattern.test(e.message) && e.message.startsWith('test preset:'),
  );
}

test('the shipped foot-controller config: CC 80–83 toggles with LED feedback', () => {
  const c = loadDefaultMidiConfig('foot-4-switch');
  assert.deepEqual(c.mappings.map((m) => m.trigger.type === 'cc' && m.trigger.controller), [80, 81, 82, 83]);
  assert.ok(c.mappings.every((m) => m.mode === 'toggle' && m.feedback === true));
  assert.deepEqual(c.inputs, ['*']);
});

test('the shipped sustain-pedal config: CC 64 toggles the instrument mute', () => {
  const c = loadDefaultMidiConfig('sustain-pedal');
  assert.equal(c.mappings.length, 1);
  assert.deepEqual(c.mappings[0].trigger, { type: 'cc', channel: 'any', controller: 64 });
  assert.deepEqual(c.mappings[0].action, { type: 'stem.mute', stem: 'instrument' });
});

test('defaults are filled in: channel any, toggle, soft takeover, all inputs', () => {
  const c = parseMidiConfig({ mappings: [{ trigger: { type: 'cc', controller: 7 }, action: { type: 'master.gain' } }] });
  assert.deepEqual(c.inputs, ['*']);
  assert.deepEqual(c.outputs, []);
  const m = c.mappings[0];
  assert.equal(m.trigger.channel, 'any');
  assert.equal(m.mode, 'toggle');
  assert.equal(m.takeover, 'soft');
  assert.deepEqual(parseMidiMapping({ trigger: { type: 'note', channel: 2, note: 60 }, action: { type: 'bypass' }, feedback: {} }).feedback, { on: 127, off: 0 });
});

test('hostile mappings are refused with the path of the problem', () => {
  rejects({ trigger: { type: 'cc', channel: 0, controller: 1 }, action: { type: 'bypass' } }, /trigger\.channel/);
  rejects({ trigger: { type: 'cc', channel: 17, controller: 1 }, action: { type: 'bypass' } }, /trigger\.channel/);
  rejects({ trigger: { type: 'cc', controller: 128 }, action: { type: 'bypass' } }, /trigger\.controller/);
  rejects({ trigger: { type: 'sysex' }, action: { type: 'bypass' } }, /trigger/);
  rejects({ trigger: { type: 'cc', controller: 1 }, action: { type: 'rm -rf' } }, /action/);
  rejects({ trigger: { type: 'cc', controller: 1 }, action: { type: 'stem.mute', stem: 'drums' } }, /action\.stem/);
  rejects({ trigger: { type: 'note', note: 1 }, action: { type: 'stem.gain', stem: 'rest' } }, /cc trigger/);
  rejects({ trigger: { type: 'cc', controller: 1 }, action: { type: 'bypass' }, mode: 'sometimes' }, /mode/);
  rejects({ trigger: { type: 'cc', controller: 1 }, action: { type: 'bypass' }, extra: 1 }, /extra|Unrecognized/i);
  rejects({ trigger: { type: 'cc', controller: 1 }, action: { type: 'latency.set' } }, /exactly one/);
  rejects({ trigger: { type: 'cc', controller: 1 }, action: { type: 'master.gain', curve: { maxDb: 0 } } }, /maxDb/);
  assert.throws(() => parseMidiConfig({ mappings: 'all' }), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_MESSAGE');
  assert.throws(() => parseMidiConfig(null), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_MESSAGE');
});
