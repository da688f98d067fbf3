import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reverb } from './effects.js';
import type { MixPlan } from './mix-plan.js';
import { mixdown, processStem } from './mixdown.js';
import { Rng } from './prng.js';

function noiseStem(seed: number, n: number): Float32Array[] {
  const r = new Rng(seed);
  const mk = (): Float32Array => Float32Array.from({ length: n }, (_, i) => (i > n / 4 ? 0.3 * (r.next() - 0.5) : 0));
  return [mk(), mk()];
}

const fx = (over: Partial<MixPlan['voices'][number]['fx']> = {}): MixPlan['voices'][number]['fx'] => ({ gainDb: 0, pan: 0.3, eq: [{ kind: 'peaking', freqHz: 1000, q: 1, gainDb: 4 }], reverbSend: 0, ...over });

test('instrument is exactly the scaled sum of processed target stems; rest of the others', () => {
  const n = 4000;
  const sr = 22050;
  const plan: MixPlan = {
    voices: [
      { part: 'g', role: 'guitar-drive', isTarget: true, preset: { family: 'fluidr3', bank: 0, program: 30 }, fx: fx({ drive: { driveDb: 20, bias: 0.1, cabLowHz: 90, cabHighHz: 4000, midDb: -3 }, compressor: { thresholdDb: -20, ratio: 4, attackMs: 5, releaseMs: 100 } }) },
      { part: 'p', role: 'piano', isTarget: false, preset: { family: 'fluidr3', bank: 0, program: 0 }, fx: fx({ chorus: { rateHz: 1, depthMs: 2, delayMs: 10, mix: 0.4 } }) },
      { part: 'b', role: 'bass', isTarget: false, preset: { family: 'fluidr3', bank: 0, program: 33 }, fx: fx({ pan: 0 }) },
    ],
    room: { roomSize: 0.5, damping: 0.5, spread: 23, preDelayMs: 10 },
    targetOffsetDb: -3,
    mixPeak: 0.5,
  };
  const dry = [noiseStem(1, n), noiseStem(2, n), noiseStem(3, n)];
  const copies = dry.map((s) => s.map((c) => c.slice()));
  const out = mixdown(dry, plan, sr);
  const processed = copies.map((s, k) => processStem(s, plan.voices[k].fx, sr));
  let peak = 0;
  for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(out.instrument[c][i] + out.rest[c][i]));
  assert.ok(Math.abs(peak - 0.5) < 1e-6, `mix peak lands on plan (${peak})`);
  // Recover the common scale from one sample, then check every sample.
  const g = Math.pow(10, -3 / 20);
  let scale = 0;
  for (let i = 0; i < n && scale === 0; i++) if (Math.abs(processed[0][0][i]) > 1e-3) scale = out.instrument[0][i] / (g * processed[0][0][i]);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(out.instrument[c][i] - scale * g * processed[0][c][i]) < 1e-6);
      assert.ok(Math.abs(out.rest[c][i] - scale * (processed[1][c][i] + processed[2][c][i])) < 1e-6);
    }
  }
  assert.ok(out.instrument[0].slice(0, n / 4).every((x) => x === 0), 'silence stays silent');
});

test('reverb is linear, so per-group reverbs add up to the reverb of the mix', () => {
  const n = 3000;
  const a = noiseStem(4, n);
  const b = noiseStem(5, n);
  const ab = [0, 1].map((c) => Float32Array.from(a[c], (x, i) => x + b[c][i]));
  const spec = { roomSize: 0.8, damping: 0.3, spread: 23, preDelayMs: 5 };
  const ra = reverb(a[0], a[1], 22050, spec);
  const rb = reverb(b[0], b[1], 22050, spec);
  const rab = reverb(ab[0], ab[1], 22050, spec);
  let maxErr = 0;
  let maxVal = 0;
  for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) { maxErr = Math.max(maxErr, Math.abs(ra[c][i] + rb[c][i] - rab[c][i])); maxVal = Math.max(maxVal, Math.abs(rab[c][i])); }
  assert.ok(maxVal > 1e-3, 'reverb produces output');
  assert.ok(maxErr < 1e-5, `linear within float rounding (${maxErr})`);
});
