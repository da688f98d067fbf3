import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDb, manifestMetrics, nanMedian, summarise, toJson, toMarkdown, type EvalReport, type StemMetrics, type TrackResult } from './report.js';

function stem(sdr: number, extra = 0): StemMetrics {
  return { sdr, sir: sdr + 1 + extra, sar: sdr + 2, siSdr: sdr - 1, plainSdr: sdr + 0.5 };
}

function track(name: string, sdr: number, oracleSdr: number): TrackResult {
  return {
    name,
    seconds: 10,
    sourceSampleRate: 22050,
    separateSeconds: 0.5,
    model: { instrument: stem(sdr), rest: stem(sdr + 3), perm: [0, 1] },
    oracle: { instrument: stem(oracleSdr), rest: stem(oracleSdr + 3, Infinity), perm: [0, 1] },
    warnings: name === 'c|pipe' ? ['stems differ in length'] : [],
  };
}

function report(): EvalReport {
  const tracks = [track('a', 1.234, 10), track('b', -2, 12), track('c|pipe', 5.5, NaN)];
  return {
    schema: 'stemstream-eval/1',
    createdAt: '2026-11-25T00:00:00.000Z',
    model: 'guitar-test',
    dataset: '/data/val',
    protocol: { sampleRate: 22050, references: 'STFT round trip', computePermutation: true, maxSeconds: 30 },
    tracks,
    median: summarise(tracks),
  };
}

test('nanMedian skips NaN, keeps infinities and handles even counts', () => {
  assert.equal(nanMedian([3, NaN, 1, 2]), 2);
  assert.equal(nanMedian([4, 1, 3, 2]), 2.5);
  assert.equal(nanMedian([Infinity, Infinity, 1]), Infinity);
  assert.equal(nanMedian([Infinity, Infinity]), Infinity);
  assert.ok(Number.isNaN(nanMedian([NaN])));
  assert.ok(Number.isNaN(nanMedian([])));
});

test('summarise takes per-metric medians of model and oracle', () => {
  const m = report().median;
  assert.equal(m.tracks, 3);
  assert.equal(m.model.instrument.sdr, 1.234);
  assert.equal(m.model.rest.sdr, 4.234);
  assert.equal(m.oracle?.instrument.sdr, 11); // NaN left out: median of 10 and 12
  assert.equal(m.oracle?.rest.sir, Infinity);
});

test('markdown has one table per stem, a row per track and the median row', () => {
  const md = toMarkdown(report());
  assert.match(md, /^# stemstream eval: model `guitar-test`/);
  assert.match(md, /## Instrument/);
  assert.match(md, /## Rest/);
  const header = '| Track | SDR | SIR | SAR | SI-SDR | nSDR | IRM SDR | IRM SIR | IRM SAR | IRM SI-SDR | IRM nSDR |';
  assert.equal(md.split(header).length - 1, 2);
  assert.ok(md.includes('| a | 1.23 | 2.23 | 3.23 | 0.23 | 1.73 | 10.00 | 11.00 | 12.00 | 9.00 | 10.50 |'), md);
  assert.ok(md.includes('| **median (3)** | 1.23 | 2.23 | 3.23 | 0.23 | 1.73 | 11.00 |'), md);
  assert.ok(md.includes('| **median (3)** | 4.23 | 5.23 | 6.23 | 3.23 | 4.73 | 14.00 | +∞ |'), md);
  assert.ok(md.includes('| c\\|pipe |'), 'pipes in names are escaped');
  assert.ok(md.includes('- c\\|pipe: stems differ in length'));
  assert.ok(md.includes('first 30 s of each'));
});

test('JSON keeps the schema, writes NaN as null and infinities as strings', () => {
  const text = toJson(report());
  const parsed = JSON.parse(text) as Record<string, unknown> & {
    tracks: { name: string; model: { instrument: Record<string, unknown> }; oracle: { instrument: Record<string, unknown>; rest: Record<string, unknown> } }[];
    median: { model: { instrument: Record<string, unknown> }; oracle: { rest: Record<string, unknown> } };
  };
  assert.equal(parsed.schema, 'stemstream-eval/1');
  assert.deepEqual(Object.keys(parsed).sort(), ['createdAt', 'dataset', 'median', 'model', 'protocol', 'schema', 'tracks']);
  assert.deepEqual(Object.keys(parsed.tracks[0].model.instrument).sort(), ['plainSdr', 'sar', 'sdr', 'siSdr', 'sir']);
  assert.equal(parsed.tracks[2].oracle.instrument.sdr, null);
  assert.equal(parsed.median.oracle.rest.sir, 'Infinity');
  assert.equal(parsed.median.model.instrument.sdr, 1.234);
});

test('manifest metrics and dB formatting', () => {
  const m = manifestMetrics(report());
  assert.equal(m.sdr_instrument_median, 1.23);
  assert.equal(m.irm_sdr_instrument_median, 11);
  assert.equal(m.tracks, 3);
  assert.equal(formatDb(-0.004), '-0.00');
  assert.equal(formatDb(-Infinity), '−∞');
  assert.equal(formatDb(NaN), '–');
});
