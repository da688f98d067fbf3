import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePcm, encodePcm, interleaveInt32, quantize } from './pcm-codec.js';

test('quantize scales by 2^(bits-1), rounds to nearest and clips to [-1, 1)', () => {
  assert.equal(quantize(0, 16), 0);
  assert.equal(quantize(1, 16), 32767);
  assert.equal(quantize(-1, 16), -32768);
  assert.equal(quantize(2.5, 16), 32767);
  assert.equal(quantize(-7, 16), -32768);
  assert.equal(quantize(0.4 / 32768, 16), 0);
  assert.equal(quantize(0.6 / 32768, 16), 1);
  assert.equal(quantize(-0.6 / 32768, 16), -1);
  assert.ok(Object.is(quantize(-0.4 / 32768, 16), 0), 'no negative zero');
  assert.equal(quantize(0.5, 16), 16384);
  assert.equal(quantize(1, 24), 8388607);
  assert.equal(quantize(-1, 24), -8388608);
  assert.equal(quantize(0.5, 24), 4194304);
  assert.equal(quantize(Number.NaN, 16), 0);
  assert.equal(quantize(Number.POSITIVE_INFINITY, 24), 8388607);
  // Symmetric rounding: ties go away from zero on both sides.
  assert.equal(quantize(2.5 / 32768, 16), 3);
  assert.equal(quantize(-2.5 / 32768, 16), -3);
});

function ramp(n: number, bits: 16 | 24, offset: number): Float32Array {
  const scale = 2 ** (bits - 1);
  const x = new Float32Array(n);
  // Walk across the whole integer range, including both extremes.
  for (let i = 0; i < n; i++) x[i] = Math.round(-scale + ((i * 7919 + offset) % (2 * scale))) / scale;
  x[0] = -1;
  x[1] = (scale - 1) / scale;
  return x;
}

for (const bits of [16, 24] as const) {
  test(`int${bits}: encode then decode is bit-exact and interleaved`, () => {
    const ch = [ramp(5000, bits, 0), ramp(5000, bits, 12345), ramp(5000, bits, 999)];
    const bytes = encodePcm(ch, { kind: 'int', bits });
    assert.equal(bytes.length, 5000 * 3 * (bits / 8));
    const back = decodePcm(bytes, { kind: 'int', bits }, 3, 5000);
    for (let c = 0; c < 3; c++) assert.deepEqual(back[c], ch[c]);
    // Frame 0 of channel 1 sits right after channel 0's sample (interleaved, little-endian).
    const b = bits / 8;
    const v = bits === 16 ? new DataView(bytes.buffer).getInt16(b, true) : ((bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16)) << 8) >> 8;
    assert.equal(v / 2 ** (bits - 1), ch[1][0]);
  });
}

test('float32 round-trips exactly, unclipped', () => {
  const ch = [Float32Array.from([0, 1.5, -2, 1e-30, 0.123456789]), Float32Array.from([-1, 1, 0.5, -0.25, 3])];
  const back = decodePcm(encodePcm(ch, { kind: 'float', bits: 32 }), { kind: 'float', bits: 32 }, 2, 5);
  assert.deepEqual(back, ch);
});

test('8-bit unsigned and 32-bit int decode with the right offsets and scales', () => {
  assert.deepEqual(decodePcm(Uint8Array.from([0, 128, 255]), { kind: 'int', bits: 8 }, 1, 3)[0], Float32Array.from([-1, 0, 127 / 128]));
  const b = new Uint8Array(8);
  new DataView(b.buffer).setInt32(0, -2147483648, true);
  new DataView(b.buffer).setInt32(4, 1073741824, true);
  assert.deepEqual(decodePcm(b, { kind: 'int', bits: 32 }, 2, 1), [Float32Array.from([-1]), Float32Array.from([0.5])]);
  const d = new Uint8Array(16);
  new DataView(d.buffer).setFloat64(0, 0.25, true);
  new DataView(d.buffer).setFloat64(8, -0.75, true);
  assert.deepEqual(decodePcm(d, { kind: 'float', bits: 64 }, 1, 2)[0], Float32Array.from([0.25, -0.75]));
});

test('interleaveInt32 produces right-justified interleaved integers', () => {
  const out = interleaveInt32([Float32Array.from([1, -1]), Float32Array.from([0.5, 0])], 24);
  assert.deepEqual(out, Int32Array.from([8388607, 4194304, -8388608, 0]));
});
