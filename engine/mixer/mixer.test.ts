import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mixer } from './mixer.js';
import { MixerParam, MeterKind, MeterStrip, dbToGain, meterIndex } from './mixer-params.js';

const RATE = 48000;
const BLOCK = 128;

type Planar = Float32Array[];
const stereo = (n: number, f: (i: number, c: number) => number): Planar => [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => f(i, c)));

/**
 * Run the mixer over whole signals in blocks, applying `changes[blockIndex]` before that block.
 * Returns the planar output.
 */
function render(mixer: Mixer, inst: Planar, rest: Planar, dry: Planar, changes: Record<number, Array<[number, number]>> = {}): Planar {
  const n = inst[0].length;
  const out = Array.from({ length: mixer.outputChannels }, () => new Float32Array(n));
  for (let b = 0, start = 0; start < n; b++, start += BLOCK) {
    for (const [id, v] of changes[b] ?? []) mixer.setParam(id, v);
    const len = Math.min(BLOCK, n - start);
    const sub = (p: Planar): Planar => p.map((ch) => ch.subarray(start, start + len));
    mixer.process(sub(inst), sub(rest), sub(dry), sub(out), len);
  }
  return out;
}

function maxJump(x: Float32Array, from = 1, to = x.length): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

test('at rest the 2-channel mix is instrument + rest and the 4-channel mode keeps stems apart', () => {
  const inst = stereo(300, (i, c) => Math.sin(i * 0.01 + c));
  const rest = stereo(300, (i, c) => 0.25 * Math.cos(i * 0.03 + c));
  const dry = stereo(300, () => 0.9);
  const two = render(new Mixer({ sampleRate: RATE, outputChannels: 2 }), inst, rest, dry);
  for (let i = 0; i < 300; i++) assert.ok(Math.abs(two[1][i] - (inst[1][i] + rest[1][i])) < 1e-6);
  const four = render(new Mixer({ sampleRate: RATE, outputChannels: 4 }), inst, rest, dry);
  assert.deepEqual(four[0], inst[0]);
  assert.deepEqual(four[1], inst[1]);
  assert.deepEqual(four[2], rest[0]);
  assert.deepEqual(four[3], rest[1]);
});

test('a gain change reaches its target one ramp after the block it arrives in, with no step larger than the ramp allows', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2, rampMs: 10 });
  assert.equal(mixer.rampFrames, 480);
  const n = BLOCK * 10;
  const inst = stereo(n, () => 1); // DC: every output jump comes from the gain ramp
  const zero = stereo(n, () => 0);
  const out = render(mixer, inst, zero, zero, { 2: [[MixerParam.INSTRUMENT_GAIN_DB, -12]] });
  const target = dbToGain(-12);
  const changeAt = 2 * BLOCK;
  assert.equal(out[0][changeAt - 1], 1, 'untouched before the change');
  assert.ok(out[0][changeAt] < 1 && out[0][changeAt] > target, 'ramp starts with the block');
  assert.ok(Math.abs(out[0][changeAt + mixer.rampFrames - 1] - target) < 1e-6, 'target reached after the ramp');
  for (let i = changeAt + mixer.rampFrames; i < n; i++) assert.ok(Math.abs(out[0][i] - target) < 1e-6);
  assert.ok(maxJump(out[0]) <= (1 - target) / mixer.rampFrames + 1e-6, `max jump ${maxJump(out[0])}`);
});

test('click-free on a sine: gain, mute and master changes add at most one ramp step to the signal slope', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2, rampMs: 15 });
  const n = BLOCK * 60;
  const inst = stereo(n, (i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
  const zero = stereo(n, () => 0);
  const out = render(mixer, inst, zero, zero, {
    5: [[MixerParam.INSTRUMENT_GAIN_DB, 12]],
    20: [[MixerParam.INSTRUMENT_MUTE, 1]],
    35: [[MixerParam.INSTRUMENT_MUTE, 0], [MixerParam.MASTER_GAIN_DB, -6]],
    40: [[MixerParam.INSTRUMENT_GAIN_DB, -30]], // re-targeted while the master still ramps
  });
  const sineSlope = 0.5 * 2 * Math.PI * (1000 / RATE); // max |x[n]-x[n-1]| of the input
  const maxGain = dbToGain(12);
  // the largest jump a smooth ramp can add: slope at max gain + amplitude × per-sample gain step
  const bound = sineSlope * maxGain + (0.5 * maxGain * maxGain) / mixer.rampFrames;
  assert.ok(maxJump(out[0]) <= bound, `max jump ${maxJump(out[0]).toFixed(5)} > ${bound.toFixed(5)}`);
  // and the same changes without a ramp would click: an abrupt x4 step is far above the bound
  assert.ok(0.5 * (maxGain - 1) > bound);
});

test('mute gives exact silence after the ramp and unmute restores the gain', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2, rampMs: 10 });
  const n = BLOCK * 20;
  const inst = stereo(n, () => 0.7);
  const rest = stereo(n, () => 0.2);
  const zero = stereo(n, () => 0);
  const out = render(mixer, inst, rest, zero, { 1: [[MixerParam.INSTRUMENT_MUTE, 1]], 10: [[MixerParam.INSTRUMENT_MUTE, 0]] });
  const afterMute = BLOCK + mixer.rampFrames;
  for (let i = afterMute; i < 10 * BLOCK; i++) assert.ok(Math.abs(out[0][i] - 0.2) < 1e-7, `sample ${i}: ${out[0][i]}`);
  assert.ok(Math.abs(out[1][n - 1] - 0.9) < 1e-6);
  assert.ok(maxJump(out[0]) <= 0.7 / mixer.rampFrames + 1e-6);
});

test('solo: any solo silences the non-soloed strips; mute still wins on a soloed strip', () => {
  const settle = (mixer: Mixer): Planar => {
    const n = 2048;
    const out = render(mixer, stereo(n, () => 1), stereo(n, () => 10), stereo(n, () => 0));
    return out.map((c) => c.subarray(n - 1));
  };
  const level = (changes: Array<[number, number]>): number => {
    const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2, rampMs: 5 });
    for (const [id, v] of changes) mixer.setParam(id, v);
    return Math.round(settle(mixer)[0][0] * 1000) / 1000;
  };
  assert.equal(level([]), 11);
  assert.equal(level([[MixerParam.INSTRUMENT_SOLO, 1]]), 1);
  assert.equal(level([[MixerParam.REST_SOLO, 1]]), 10);
  assert.equal(level([[MixerParam.INSTRUMENT_SOLO, 1], [MixerParam.REST_SOLO, 1]]), 11);
  assert.equal(level([[MixerParam.INSTRUMENT_SOLO, 1], [MixerParam.INSTRUMENT_MUTE, 1]]), 0);
  assert.equal(level([[MixerParam.INSTRUMENT_SOLO, 1], [MixerParam.INSTRUMENT_SOLO, 0]]), 11);
  assert.equal(level([[MixerParam.REST_MUTE, 1], [MixerParam.INSTRUMENT_SOLO, 1], [MixerParam.REST_SOLO, 1]]), 1);
});

test('bypass crossfades smoothly to the dry input and back', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2, rampMs: 20 });
  const n = BLOCK * 40;
  const inst = stereo(n, () => 0.5);
  const rest = stereo(n, () => 0.25);
  const dry = stereo(n, () => -0.6);
  const out = render(mixer, inst, rest, dry, { 4: [[MixerParam.BYPASS, 1]], 20: [[MixerParam.BYPASS, 0]], 21: [[MixerParam.MASTER_GAIN_DB, -120]] });
  assert.ok(Math.abs(out[0][4 * BLOCK - 1] - 0.75) < 1e-6);
  assert.ok(Math.abs(out[0][4 * BLOCK + mixer.rampFrames] - -0.6) < 1e-6, 'dry after the crossfade');
  assert.ok(Math.abs(out[1][20 * BLOCK - 1] - -0.6) < 1e-6);
  // crossfade moves 1.35 per ramp; the overlapping master fade adds at most 0.75 per ramp
  assert.ok(maxJump(out[0]) <= (1.35 + 0.75) / mixer.rampFrames + 1e-6, `max jump ${maxJump(out[0])}`);
  assert.equal(out[0][n - 1], 0, 'master at -120 dB is silence');
});

test('4-channel mode applies strip gains per pair and the master to both; bypass puts dry on the first pair', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 4, rampMs: 1 });
  mixer.setParam(MixerParam.INSTRUMENT_GAIN_DB, -6);
  mixer.setParam(MixerParam.REST_GAIN_DB, 6);
  mixer.setParam(MixerParam.MASTER_GAIN_DB, -3);
  const n = 1024;
  const out = render(mixer, stereo(n, () => 1), stereo(n, () => 1), stereo(n, () => 0.1));
  const m = dbToGain(-3);
  assert.ok(Math.abs(out[0][n - 1] - dbToGain(-6) * m) < 1e-6);
  assert.ok(Math.abs(out[3][n - 1] - dbToGain(6) * m) < 1e-6);
  mixer.setParam(MixerParam.BYPASS, 1);
  const by = render(mixer, stereo(n, () => 1), stereo(n, () => 1), stereo(n, () => 0.1));
  assert.ok(Math.abs(by[1][n - 1] - 0.1 * m) < 1e-6);
  assert.equal(by[2][n - 1], 0);
});

test('meters: peak and RMS of known sines, master meters the mix, silence decays', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2 });
  const n = RATE * 2;
  const inst = stereo(n, (i, c) => (c === 0 ? 0.5 : 0.25) * Math.sin((2 * Math.PI * 440 * i) / RATE));
  const rest = stereo(n, () => 0);
  render(mixer, inst, rest, rest);
  const m = mixer.meters;
  const near = (a: number, b: number, tol: number): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
  near(m[meterIndex(MeterStrip.INSTRUMENT, MeterKind.PEAK, 0)], 0.5, 2e-3);
  near(m[meterIndex(MeterStrip.INSTRUMENT, MeterKind.PEAK, 1)], 0.25, 1e-3);
  near(m[meterIndex(MeterStrip.INSTRUMENT, MeterKind.RMS, 0)], 0.5 / Math.SQRT2, 0.01 * 0.5);
  near(m[meterIndex(MeterStrip.INSTRUMENT, MeterKind.RMS, 1)], 0.25 / Math.SQRT2, 0.01 * 0.25);
  near(m[meterIndex(MeterStrip.MASTER, MeterKind.RMS, 0)], 0.5 / Math.SQRT2, 0.01 * 0.5);
  assert.equal(m[meterIndex(MeterStrip.REST, MeterKind.PEAK, 0)], 0);
  // two seconds of silence: peak (release tau 300 ms) falls > 40 dB, RMS (mean-square tau 300 ms,
  // so amplitude tau 600 ms) falls > 25 dB
  render(mixer, rest, rest, rest);
  assert.ok(m[meterIndex(MeterStrip.INSTRUMENT, MeterKind.PEAK, 0)] < 0.005);
  assert.ok(m[meterIndex(MeterStrip.INSTRUMENT, MeterKind.RMS, 0)] < 0.02);
});

test('unknown ids and NaN values are ignored; bad options are rejected at construction', () => {
  const mixer = new Mixer({ sampleRate: RATE, outputChannels: 2 });
  mixer.setParam(99, 1);
  mixer.setParam(MixerParam.MASTER_GAIN_DB, NaN);
  assert.equal(mixer.isRamping(), false);
  assert.throws(() => new Mixer({ sampleRate: RATE, outputChannels: 3 as 2 }), RangeError);
  assert.throws(() => new Mixer({ sampleRate: 0, outputChannels: 2 }), RangeError);
});
