import assert from 'node:assert/strict';
import { test } from 'node:test';
import { siSdr, siSdrFramewise } from './si-sdr.js';
import { add, mix, noise, seededRandom, sines } from './eval-signals.js';

/** Scales `n` so that |s|²/|n|² is exactly `snrDb`. */
function atSnr(s: Float64Array, n: Float64Array, snrDb: number): Float64Array {
  let es = 0;
  let en = 0;
  for (let i = 0; i < s.length; i++) {
    es += s[i] * s[i];
    en += n[i] * n[i];
  }
  return mix([n], [Math.sqrt(es / en / 10 ** (snrDb / 10))]);
}

test('SI-SDR ignores the estimate gain: a scaled copy is +Inf, a scaled noisy copy keeps its score', () => {
  const r = seededRandom(1);
  const s = add(sines(8000, 8000, [[300, 0.5, 0]]), noise(r, 8000, 0.1));
  assert.equal(siSdr(s, mix([s], [0.25])), Infinity);
  const noisy = add(s, atSnr(s, noise(r, 8000), 10));
  const a = siSdr(s, noisy);
  const b = siSdr(s, mix([noisy], [-3]));
  assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
});

test('SI-SDR of white noise added at a known SNR is close to that SNR', () => {
  const r = seededRandom(2);
  for (const snr of [-5, 0, 10, 20]) {
    const s = noise(r, 16000, 0.3);
    // Independent noise is nearly orthogonal to s, so SI-SDR ≈ SNR within a few hundredths of a dB.
    const value = siSdr(s, add(s, atSnr(s, noise(r, 16000), snr)));
    assert.ok(Math.abs(value - snr) < 0.2, `SNR ${snr} dB gave SI-SDR ${value}`);
  }
});

test('SI-SDR: silent reference is NaN; an uncorrelated estimate is very low; lengths must match', () => {
  const r = seededRandom(3);
  assert.ok(Number.isNaN(siSdr(new Float64Array(100), noise(r, 100))));
  assert.ok(siSdr(noise(r, 20000), noise(r, 20000)) < -20);
  assert.throws(() => siSdr(new Float64Array(3), new Float64Array(4)), RangeError);
});

test('zeroMean: a DC offset costs nothing with zero-mean and a lot without', () => {
  const r = seededRandom(4);
  const s = noise(r, 4000, 0.2);
  const shifted = s.map((v) => v + 1);
  assert.ok(siSdr(s, shifted) > 100, `${siSdr(s, shifted)}`);
  assert.ok(siSdr(s, shifted, { zeroMean: false }) < 0);
});

test('framewise SI-SDR tracks a noise burst in the second half', () => {
  const r = seededRandom(5);
  const s = noise(r, 4000, 0.3);
  const e = Float64Array.from(s);
  const burst = atSnr(s.subarray(2000), noise(r, 2000), 0);
  for (let i = 0; i < 2000; i++) e[2000 + i] += burst[i];
  const frames = siSdrFramewise(s, e, { windowSamples: 1000 });
  assert.equal(frames.length, 4);
  assert.equal(frames[0], Infinity);
  assert.equal(frames[1], Infinity);
  assert.ok(Math.abs(frames[2]) < 1 && Math.abs(frames[3]) < 1, `${frames}`);
  assert.equal(siSdrFramewise(s, e, { windowSamples: 1000, hopSamples: 500 }).length, 7);
  assert.equal(siSdrFramewise(s, e, { windowSamples: 10000 }).length, 1);
});
