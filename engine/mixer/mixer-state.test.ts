import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultMixerState, diffMixerState } from './mixer-state.js';
import { MixerParam } from './mixer-params.js';
import { ParamRing, type ParamMessage } from '../realtime/index.js';

test('initial sync sends every parameter; a later diff sends only what changed', () => {
  const sent: Array<[number, number]> = [];
  const emit = (id: number, v: number): boolean => (sent.push([id, v]), true);
  const a = defaultMixerState();
  assert.deepEqual(diffMixerState(undefined, a, emit), { sent: 8, refused: 0 });
  sent.length = 0;
  const b = structuredClone(a);
  b.stems.rest.mute = true;
  b.masterGainDb = -3;
  assert.deepEqual(diffMixerState(a, b, emit), { sent: 2, refused: 0 });
  assert.deepEqual(sent, [[MixerParam.REST_MUTE, 1], [MixerParam.MASTER_GAIN_DB, -3]]);
});

test('refusals from a full param ring are counted, not lost silently', () => {
  const ring = ParamRing.create(1);
  const b = defaultMixerState();
  b.stems.instrument.gainDb = -6;
  b.bypass = true;
  const r = diffMixerState(defaultMixerState(), b, (id, v) => ring.enqueue(id, v));
  assert.deepEqual(r, { sent: 1, refused: 1 });
  const msg: ParamMessage = { paramIndex: 0, value: 0 };
  assert.equal(ring.dequeue(msg), true);
  assert.deepEqual(msg, { paramIndex: MixerParam.INSTRUMENT_GAIN_DB, value: -6 });
});
