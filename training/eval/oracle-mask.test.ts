import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oracleMaskSeparation } from './oracle-mask.js';
import { plainSdr } from './plain-sdr.js';
import { noise, onePole, seededRandom, sines } from './eval-signals.js';
import { EVAL_SAMPLE_RATE, MODEL_STFT } from './stft-bridge.js';

const N = 22050;
const f32 = (x: Float64Array): Float32Array => Float32Array.from(x);
const add = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v + b[i]);
/** Plain SDR away from the reflect-padded edges. */
const interiorSdr = (ref: Float32Array, est: Float32Array): number => plainSdr(ref.subarray(2048, -2048), est.subarray(2048, -2048));

test('both oracles pass an instrument alone through and silence an absent one', () => {
  const inst = f32(sines(N, EVAL_SAMPLE_RATE, [[440, 0.3, 0], [660, 0.1, 1]]));
  for (const kind of ['irm', 'psm'] as const) {
    const alone = oracleMaskSeparation(inst, inst, MODEL_STFT, kind);
    assert.ok(interiorSdr(inst, alone.instrument) > 60, `${kind}: ${interiorSdr(inst, alone.instrument)}`);
    const silent = oracleMaskSeparation(new Float32Array(N), inst, MODEL_STFT, kind);
    assert.ok(silent.instrument.every((v) => Math.abs(v) < 1e-6), kind);
    assert.ok(interiorSdr(inst, silent.rest) > 60, kind);
  }
});

test('a rest in quadrature: the IRM keeps the mix phase at full level, the PSM projects (2.32 vs 3.01 dB)', () => {
  // instrument sin, rest cos at the same level: the mix is √2·sin(ωt + 45°) and in every bin of the
  // tone S_inst / S_mix = e^{∓iπ/4}/√2. IRM mask 1/√2 → the mix turned 45° at unit level, error
  // 2·sin(22.5°) → 2.32 dB; PSM mask cos(45°)/√2 = 1/2 → the projection, error sin(45°) → 3.01 dB.
  const f = (100 * EVAL_SAMPLE_RATE) / MODEL_STFT.nFft; // on a bin, well clear of DC
  const inst = f32(sines(N, EVAL_SAMPLE_RATE, [[f, 0.5, 0]]));
  const rest = f32(sines(N, EVAL_SAMPLE_RATE, [[f, 0.5, Math.PI / 2]]));
  const mix = add(inst, rest);
  const irm = interiorSdr(inst, oracleMaskSeparation(inst, mix, MODEL_STFT, 'irm').instrument);
  const psm = interiorSdr(inst, oracleMaskSeparation(inst, mix, MODEL_STFT, 'psm').instrument);
  assert.ok(Math.abs(irm - -20 * Math.log10(2 * Math.sin(Math.PI / 8))) < 0.05, `IRM ${irm}`);
  assert.ok(Math.abs(psm - 10 * Math.log10(2)) < 0.05, `PSM ${psm}`);
});

test('on overlapping harmonic and noise stems the PSM bound is above the IRM, and the rest is mix − instrument', () => {
  const r = seededRandom(7);
  const inst = f32(sines(N, EVAL_SAMPLE_RATE, [[196, 0.3, 0], [392, 0.2, 1], [588, 0.1, 2], [980, 0.05, 0.5]]));
  const rest = f32(onePole(noise(r, N, 0.3), 0.7));
  const mix = add(inst, rest);
  const irm = oracleMaskSeparation(inst, mix, MODEL_STFT, 'irm');
  const psm = oracleMaskSeparation(inst, mix, MODEL_STFT, 'psm');
  assert.ok(interiorSdr(inst, psm.instrument) > interiorSdr(inst, irm.instrument) + 0.5);
  for (const o of [irm, psm]) for (let i = 0; i < N; i += 997) assert.ok(Math.abs(o.rest[i] - (mix[i] - o.instrument[i])) < 1e-6);
  assert.throws(() => oracleMaskSeparation(inst, mix.subarray(1), MODEL_STFT, 'psm'), RangeError);
});
