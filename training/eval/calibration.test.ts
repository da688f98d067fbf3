import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseMaskPower } from './calibration.js';
import { summarise, type EvalReport, type StemMetrics, type TrackResult } from './report.js';

const stem = (sdr: number): StemMetrics => ({ sdr, sir: sdr, sar: sdr, siSdr: sdr, plainSdr: sdr });
function report(inst: number[], rest: number[]): EvalReport {
  const tracks: TrackResult[] = inst.map((v, i) => ({
    name: `t${i}`, seconds: 30, sourceSampleRate: 22050, separateSeconds: 1, model: { instrument: stem(v), rest: stem(rest[i]), perm: [0, 1] }, oracle: null, warnings: [],
  }));
  return { schema: 'stemstream-eval/1', createdAt: '', model: 'm', dataset: '/d/indist', protocol: { sampleRate: 22050, computePermutation: false, maxSeconds: 30, references: 'stft' }, tracks, median: summarise(tracks) };
}

const base = [-6, -2, 0, 1, 3, 5, 8, 12];
const shift = (xs: number[], d: number[]) => xs.map((x, i) => x + d[i % d.length]);

test('picks the exponent with the largest median change of the two stems together', () => {
  const reports = new Map([
    [1, report(base, base)],
    // instrument +1, rest −0.6: +0.2 on the mean
    [0.7, report(shift(base, [1]), shift(base, [-0.6]))],
    // instrument +2, rest −1: +0.5
    [0.5, report(shift(base, [2]), shift(base, [-1]))],
    // instrument +3, rest −4: −0.5 (more instrument SDR alone would have picked this)
    [0.3, report(shift(base, [3]), shift(base, [-4]))],
  ]);
  const r = chooseMaskPower(reports, 'indist', '2026-11-25');
  assert.equal(r.mask_power, 0.5);
  assert.deepEqual(r.candidates, [1, 0.7, 0.5, 0.3]);
  assert.ok(Math.abs(r.scores['0.7'].medianDelta - 0.2) < 1e-9);
  assert.ok(Math.abs(r.scores['0.3'].medianDelta + 0.5) < 1e-9);
  assert.equal(r.scores['0.5'].wins, 8);
  assert.equal(r.date, '2026-11-25');
});

test('keeps 1 unless a candidate beats it; needs the baseline', () => {
  const worse = new Map([[1, report(base, base)], [0.5, report(shift(base, [0.5, -1]), shift(base, [-0.5]))]]);
  assert.equal(chooseMaskPower(worse, 'indist').mask_power, 1);
  assert.throws(() => chooseMaskPower(new Map([[0.5, report(base, base)]]), 'indist'), /baseline/);
});
