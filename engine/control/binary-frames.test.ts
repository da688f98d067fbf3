import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameKind, decodeFrame, encodeMetersFrame, encodeSpectrumFrame } from './binary-frames.js';

test('meters frame round-trips the 12 meters and the position', () => {
  const meters = Float32Array.from({ length: 12 }, (_, i) => i / 12);
  const bytes = encodeMetersFrame(meters, 12.5, 99);
  assert.equal(bytes.byteLength, 8 + 13 * 4);
  assert.equal(bytes[1], FrameKind.METERS);
  const f = decodeFrame(bytes);
  assert.ok(f && f.kind === 'meters');
  assert.equal(f.seq, 99);
  assert.deepEqual([...f.meters], [...meters]);
  assert.equal(f.positionS, 12.5);
});

test('spectrum frame quantises to bytes within half a step', () => {
  const mag = Float32Array.from({ length: 128 }, (_, i) => -96 + (96 * i) / 127);
  const mask = Float32Array.from({ length: 128 }, (_, i) => i / 127);
  const bytes = encodeSpectrumFrame(mag, mask, 3);
  assert.equal(bytes.byteLength, 8 + 256);
  const f = decodeFrame(bytes);
  assert.ok(f && f.kind === 'spectrum');
  for (let i = 0; i < 128; i++) {
    assert.ok(Math.abs(f.magnitudeDb[i] - mag[i]) <= 96 / 255, `band ${i}`);
    assert.ok(Math.abs(f.mask[i] - mask[i]) <= 1 / 255, `mask ${i}`);
  }
  // Out-of-range and non-finite values clamp instead of wrapping.
  const g = decodeFrame(encodeSpectrumFrame(Float32Array.of(-Infinity, 20, NaN), Float32Array.of(2, -1, NaN), 0));
  assert.ok(g && g.kind === 'spectrum');
  assert.deepEqual([...g.magnitudeDb], [-96, 0, -96]);
  assert.deepEqual([...g.mask], [1, 0, 0]);
});

test('malformed frames decode to null', () => {
  assert.equal(decodeFrame(new Uint8Array(4)), null);
  const bad = encodeMetersFrame(new Float32Array(12), 0, 0);
  bad[0] = 0;
  assert.equal(decodeFrame(bad), null);
  assert.equal(decodeFrame(encodeMetersFrame(new Float32Array(12), 0, 0).subarray(0, 20)), null);
});
