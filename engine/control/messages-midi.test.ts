import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError, encodeServerMessage, parseClientMessage } from './messages.js';

function fails(msg: unknown): { reason: string; message: string } {
  try {
    parseClientMessage(typeof msg === 'string' ? msg : JSON.stringify(msg), false);
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `expected ProtocolError, got ${String(e)}`);
    assert.equal(e.code, 'SS_ERR_BAD_MESSAGE');
    return { reason: e.reason, message: e.message };
  }
  assert.fail(`accepted ${JSON.stringify(msg)}`);
}

const mapping = { trigger: { type: 'cc', controller: 80 }, action: { type: 'stem.mute', stem: 'instrument' } };

test('valid midi.* messages parse, with their ids', () => {
  assert.deepEqual(parseClientMessage(JSON.stringify({ type: 'midi.learn', id: 3, action: { type: 'bypass' }, mode: 'momentary', feedback: true }), false), {
    type: 'midi.learn', id: 3, action: { type: 'bypass' }, mode: 'momentary', feedback: true,
  });
  assert.deepEqual(parseClientMessage('{"type":"midi.cancelLearn"}', false), { type: 'midi.cancelLearn' });
  assert.deepEqual(parseClientMessage(JSON.stringify({ type: 'midi.deleteMapping', id: 1, index: 0 }), false), { type: 'midi.deleteMapping', id: 1, index: 0 });
  assert.deepEqual(parseClientMessage('{"type":"midi.loadDefault","name":"sustain-pedal"}', false), { type: 'midi.loadDefault', name: 'sustain-pedal' });
  const set = parseClientMessage(JSON.stringify({ type: 'midi.setMappings', id: 2, mappings: [mapping] }), false);
  assert.equal(set.type, 'midi.setMappings');
  // MidiMappingSchema fills the defaults, so the server stores complete mappings
  assert.deepEqual(set.type === 'midi.setMappings' && set.mappings[0], {
    trigger: { type: 'cc', channel: 'any', controller: 80 }, action: { type: 'stem.mute', stem: 'instrument' }, mode: 'toggle', takeover: 'soft',
  });
});

test('hostile and malformed midi.* messages are refused with reason "invalid" naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'midi.learn' }, /action/],
    [{ type: 'midi.learn', action: { type: 'stem.mute', stem: 'drums' } }, /stem/],
    [{ type: 'midi.learn', action: { type: 'rm -rf' } }, /action/],
    [{ type: 'midi.learn', action: { type: 'bypass' }, mode: 'latch' }, /mode/],
    [{ type: 'midi.learn', action: { type: 'bypass' }, timeoutMs: 10 }, /timeoutMs/],
    [{ type: 'midi.learn', action: { type: 'bypass', __proto__: 1, extra: true } }, /action/],
    [{ type: 'midi.setMappings' }, /mappings/],
    [{ type: 'midi.setMappings', mappings: {} }, /mappings/],
    [{ type: 'midi.setMappings', mappings: [{ ...mapping, trigger: { type: 'cc', controller: 128 } }] }, /mappings\.0\.trigger/],
    [{ type: 'midi.setMappings', mappings: [{ ...mapping, trigger: { type: 'cc', controller: 1, channel: 17 } }] }, /channel/],
    // a gain needs a fader: the schema's cross-field rule
    [{ type: 'midi.setMappings', mappings: [{ trigger: { type: 'note', note: 60 }, action: { type: 'master.gain' } }] }, /cc trigger/],
    [{ type: 'midi.deleteMapping', index: -1 }, /index/],
    [{ type: 'midi.deleteMapping', index: 1.5 }, /index/],
    [{ type: 'midi.deleteMapping', index: '0' }, /index/],
    [{ type: 'midi.loadDefault', name: '../../etc/passwd' }, /name/],
    [{ type: 'midi.cancelLearn', now: true }, /now|Unrecognized/i],
  ];
  for (const [msg, field] of cases) {
    const r = fails(msg);
    assert.equal(r.reason, 'invalid', JSON.stringify(msg).slice(0, 80));
    assert.match(r.message, field, JSON.stringify(msg).slice(0, 80));
  }
  assert.equal(fails({ type: 'midi.forget' }).reason, 'unknown-type');
  // 512 mappings are allowed, but a list that long is over the frame limit: refused before parsing
  assert.equal(fails({ type: 'midi.setMappings', mappings: new Array(513).fill({ trigger: { type: 'program' }, action: { type: 'bypass' } }) }).reason, 'too-large');
});

test('the server refuses to send a midi view with an invalid mapping', () => {
  const view = { available: false, reason: 'no ALSA sequencer', binding: null, inputs: [], outputs: [], mappings: [mapping], learning: null, lastEvent: null };
  assert.match(encodeServerMessage({ type: 'midi', midi: view as never }), /"no ALSA sequencer"/);
  const bad = { ...view, mappings: [{ trigger: { type: 'note', note: 1 }, action: { type: 'stem.gain', stem: 'rest' } }] };
  assert.throws(() => encodeServerMessage({ type: 'midi', midi: bad as never }), /refusing to send/);
});
