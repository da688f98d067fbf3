import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runEvalCompare } from '../../engine/cli/commands/eval.js';
import { compareReports, comparisonMarkdown, meanReport, parseReport } from './compare.js';
import { summarise, toJson, type EvalReport, type StemMetrics, type TrackResult } from './report.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function stem(sdr: number): StemMetrics {
  return { sdr, sir: sdr + 3, sar: sdr + 1, siSdr: sdr - 1, plainSdr: sdr + 2 };
}

function report(model: string, inst: number[], rest: number[], names = inst.map((_, i) => `t${i}`)): EvalReport {
  const tracks: TrackResult[] = inst.map((v, i) => ({
    name: names[i], seconds: 30, sourceSampleRate: 22050, separateSeconds: 1,
    model: { instrument: stem(v), rest: stem(rest[i]), perm: [0, 1] }, oracle: null, warnings: [],
  }));
  return { schema: 'stemstream-eval/1', createdAt: '2026-11-25T00:00:00Z', model, dataset: '/data/val', protocol: { sampleRate: 22050, computePermutation: false, maxSeconds: 30, references: 'stft' }, tracks, median: summarise(tracks) };
}

// Songs of very different difficulty: the medians barely move, the paired differences are clear.
const hard = [-12, -8, -3, 0, 1, 2, 4, 6, 9, 14];

test('a run better by 0.3 dB on every track: Δ 0.3, interval [0.3, 0.3], all wins, matched by name', () => {
  const base = report('base', hard, hard);
  const shuffled = [...hard.keys()].reverse();
  const run = report('run', shuffled.map((i) => hard[i] + 0.3), shuffled.map((i) => hard[i]), shuffled.map((i) => `t${i}`));
  const c = compareReports(base, run);
  assert.equal(c.tracks, 10);
  assert.ok(Math.abs(c.instrument.sdr.medianDelta - 0.3) < 1e-9);
  assert.deepEqual(c.instrument.sdr.ci95.map((v) => Math.round(v * 1e6) / 1e6), [0.3, 0.3]);
  assert.equal(c.instrument.sdr.wins, 10);
  assert.equal(c.rest.sdr.medianDelta, 0);
  assert.equal(c.rest.sdr.wins + c.rest.sdr.losses, 0);
  assert.match(comparisonMarkdown(c), /\| instrument SDR \| \+0\.30 \| \+0\.30 … \+0\.30 \| 10 \/ 0 \|/);
});

test('noisy differences: the interval contains the median and spans the noise; NaN tracks are left out', () => {
  const noise = [0.9, -1.1, 0.4, -0.2, 1.3, -0.8, 0.1, -0.5, 0.7, -0.3];
  const base = report('base', hard, hard);
  const run = report('run', hard.map((v, i) => v + noise[i]), hard.map((v, i) => (i === 0 ? NaN : v)));
  const c = compareReports(base, run, { resamples: 500, seed: 3 });
  const p = c.instrument.sdr;
  assert.ok(p.ci95[0] < p.medianDelta && p.medianDelta < p.ci95[1], JSON.stringify(p));
  assert.ok(p.ci95[0] < 0 && p.ci95[1] > 0, 'zero is inside: no decision');
  assert.equal(c.rest.sdr.n, 9);
  assert.deepEqual(compareReports(base, run, { resamples: 500, seed: 3 }), c, 'seeded: reproducible');
});

test('different protocols or datasets, or no shared track, are refused', () => {
  const base = report('base', hard, hard);
  const perm = { ...report('run', hard, hard), protocol: { ...base.protocol, computePermutation: true } };
  assert.throws(() => compareReports(base, perm), /computePermutation/);
  assert.throws(() => compareReports(base, { ...report('run', hard, hard), dataset: '/data/other' }), /different datasets/);
  assert.throws(() => compareReports(base, report('run', [1], [1], ['x'])), /no track/);
  // Whole tracks (no --max-seconds) write maxSeconds null, read back as NaN on both sides.
  const whole = (r: EvalReport): EvalReport => parseReport(toJson({ ...r, protocol: { ...r.protocol, maxSeconds: NaN } }));
  assert.equal(compareReports(whole(base), whole(report('run', hard, hard))).tracks, 10);
});

test('parseReport reads the JSON eval writes (NaN and ±Infinity) and rejects other files', () => {
  const r = report('base', [1, -Infinity], [NaN, 2]);
  const back = parseReport(toJson(r));
  assert.equal(back.tracks[1].model.instrument.sdr, -Infinity);
  assert.ok(Number.isNaN(back.tracks[0].model.rest.sdr));
  assert.throws(() => parseReport('{"schema": "other"}', 'x.json'), /x.json is not a stemstream eval report/);
  assert.throws(() => parseReport('not json', 'y.json'), /y.json is not JSON/);
});

test('eval-compare CLI: prints one table per run and writes JSON; a missing file is a clear error', async () => {
  const base = join(dir, 'base.json');
  const run = join(dir, 'run.json');
  writeFileSync(base, toJson(report('base', hard, hard)));
  writeFileSync(run, toJson(report('run', hard.map((v) => v - 1), hard)));
  let out = '';
  assert.equal(await runEvalCompare([base, run], { json: join(dir, 'c.json'), resamples: 200 }, (t) => { out += t; }), 0);
  assert.match(out, /instrument SDR \| -1\.00 /);
  const saved = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
  assert.equal(saved[0].instrument.sdr.losses, 10);
  await assert.rejects(runEvalCompare([base, join(dir, 'missing.json')], {}), { code: 'SS_ERR_FILE_NOT_FOUND' });
  await assert.rejects(runEvalCompare([base], {}), { code: 'SS_ERR_BAD_OPTION' });
});

test('meanReport averages replicate runs track by track; eval-compare takes them joined by commas', async () => {
  const s0 = report('s0', [0, 2, 4, 6], [1, 1, 1, 1]);
  const s1 = report('s1', [2, 2, 8, 6, 9], [3, 1, 1, 1, 9], ['t0', 't1', 't2', 't3', 'extra']);
  const m = meanReport([s0, s1]);
  assert.equal(m.model, 'mean(s0, s1)');
  assert.deepEqual(m.tracks.map((t) => t.name), ['t0', 't1', 't2', 't3'], 'only tracks every replicate scored');
  assert.deepEqual(m.tracks.map((t) => t.model.instrument.sdr), [1, 2, 6, 6]);
  assert.deepEqual(m.tracks.map((t) => t.model.instrument.sir), [4, 5, 9, 9], 'every metric');
  assert.equal(m.tracks[0].model.rest.sdr, 2);
  assert.equal(m.median.model.instrument.sdr, 4, 'medians of the averaged tracks');
  assert.equal(meanReport([s0]), s0);
  assert.throws(() => meanReport([s0, { ...s1, protocol: { ...s1.protocol, maxSeconds: 10 } }]), /protocol\.maxSeconds/);
  // Base s0 alone vs the replicates' mean: per-track +1, 0, +2, 0 → median +0.5.
  const files = [['s0', s0], ['s1', s1]].map(([n, r]) => { const f = join(dir, `${n as string}.json`); writeFileSync(f, toJson(r as EvalReport)); return f; });
  let out = '';
  await runEvalCompare([files[0], files.join(',')], { json: join(dir, 'm.json'), resamples: 200 }, (t) => { out += t; });
  const saved = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  assert.equal(saved[0].instrument.sdr.medianDelta, 0.5);
  assert.equal(saved[0].instrument.sdr.wins, 2);
  assert.equal(saved[0].run, 'mean(s0, s1)');
  assert.ok(out.includes(`${files.join(',')} vs s0`), out);
});
