import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferSource } from './buffer-source.js';

test('reads planar frames in order and reports the short read at the end', () => {
  const src = new BufferSource([Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(-1, -2, -3, -4, -5)]);
  const dst = [new Float32Array(4), new Float32Array(4)];
  assert.equal(src.read(dst, 3), 3);
  assert.deepEqual([...dst[1]], [-1, -2, -3, 0]);
  assert.equal(src.read(dst, 4, 0), 2);
  assert.deepEqual([...dst[0]], [4, 5, 3, 0]);
  assert.equal(src.remaining(), 0);
  assert.equal(src.read(dst, 4), 0);
});

test('loops seamlessly across the end', () => {
  const src = new BufferSource([Float32Array.of(1, 2, 3)], true);
  const dst = [new Float32Array(8)];
  assert.equal(src.read(dst, 8), 8);
  assert.deepEqual([...dst[0]], [1, 2, 3, 1, 2, 3, 1, 2]);
  assert.equal(src.remaining(), Infinity);
});

test('mismatched channel lengths are rejected', () => {
  assert.throws(() => new BufferSource([new Float32Array(3), new Float32Array(4)]), RangeError);
});
