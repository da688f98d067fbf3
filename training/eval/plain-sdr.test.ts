import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainSdr } from './plain-sdr.js';
import { mix, noise, seededRandom } from './eval-signals.js';

test('plain SDR of the mix/2 against one of two equal-energy uncorrelated stems is about +3 dB', () => {
  // s − (s + o)/2 = (s − o)/2, energy (|s|² + |o|²)/4 = |s|²/2 → +3 dB; against half the stem: 10·log10(1/(1/4+1/4)) = 3 dB.
  const r = seededRandom(1);
  const s = noise(r, 20000, 0.3);
  const o = noise(r, 20000, 0.3);
  const half = mix([s, o], [0.5, 0.5]);
  assert.ok(Math.abs(plainSdr(s, half) - 3.01) < 0.1, `${plainSdr(s, half)}`);
});

test('plain SDR punishes gain: a copy at half level is 6.02 dB', () => {
  const r = seededRandom(2);
  const s = noise(r, 1000);
  assert.ok(Math.abs(plainSdr(s, mix([s], [0.5])) - 6.0206) < 1e-6);
});

test('plain SDR sums over planar channels and stays finite for silence', () => {
  const r = seededRandom(3);
  const left = noise(r, 1000);
  const right = noise(r, 1000);
  const est = [left, new Float64Array(1000)];
  // Numerator |L|²+|R|², error |R|²: ≈ 3 dB for equal energies.
  assert.ok(Math.abs(plainSdr([left, right], est) - 3) < 0.3);
  assert.equal(plainSdr(new Float64Array(10), new Float64Array(10)), 0);
  assert.ok(plainSdr(left, left) > 60);
  assert.throws(() => plainSdr([left], [left, right]), RangeError);
});
