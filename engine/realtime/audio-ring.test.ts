import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioRing } from './audio-ring.js';

test('planar in, interleaved out keeps channel alignment', () => {
  const ring = AudioRing.create(300, 2);
  const left = Float32Array.from({ length: 200 }, (_, i) => i);
  const right = Float32Array.from({ length: 200 }, (_, i) => -i);
  assert.equal(ring.pushPlanar([left, right], 200), 200);
  assert.equal(ring.availableReadFrames(), 200);
  const inter = new Float32Array(400);
  assert.equal(ring.popInterleaved(inter, 200), 200);
  for (let i = 0; i < 200; i++) {
    assert.equal(inter[2 * i], i);
    assert.equal(inter[2 * i + 1], -i);
  }
});

test('interleaved in, planar out with offsets; only whole frames move', () => {
  const ring = AudioRing.create(5, 4);
  const inter = Float32Array.from({ length: 4 * 8 }, (_, i) => i);
  assert.equal(ring.pushInterleaved(inter, 8), 5, 'capped at capacity in frames');
  assert.equal(ring.availableWriteFrames(), 0);
  const out = [0, 1, 2, 3].map(() => new Float32Array(10).fill(-1));
  assert.equal(ring.popPlanar(out, 3, 2), 3);
  assert.deepEqual([...out[0].subarray(0, 6)], [-1, -1, 0, 4, 8, -1]);
  assert.deepEqual([...out[3].subarray(0, 6)], [-1, -1, 3, 7, 11, -1]);
  assert.equal(ring.availableReadFrames(), 2);
});

test('planar helpers handle blocks longer than their scratch', () => {
  const ring = AudioRing.create(1000, 2);
  const l = Float32Array.from({ length: 777 }, (_, i) => i + 0.5);
  const r = Float32Array.from({ length: 777 }, (_, i) => -i - 0.5);
  assert.equal(ring.pushPlanar([l, r], 777), 777);
  const ol = new Float32Array(777);
  const or = new Float32Array(777);
  assert.equal(ring.popPlanar([ol, or], 777), 777);
  assert.deepEqual(ol, l);
  assert.deepEqual(or, r);
});

test('a ring whose capacity is not whole frames is rejected', () => {
  const mono = AudioRing.create(5, 1);
  assert.throws(() => new AudioRing(mono.buf, 2), TypeError);
});
