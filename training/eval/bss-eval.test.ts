import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isStemstreamError } from '../../engine/errors.js';
import { BssReferences, bssEvalSources, permutations } from './bss-eval.js';
import { repoPath } from '../../engine/paths.js';
import { add, chirp, fir, mix, noise, onePole, seededRandom, sines } from './eval-signals.js';

// Debian's interpreter has python3-mir-eval; the `python3` on PATH may be another one.
const PYTHON = process.env.STEMSTREAM_MIR_EVAL_PYTHON ?? '/usr/bin/python3';
const TOLERANCE_DB = 0.05;

interface ParityCase {
  name: string;
  references: Float64Array[];
  estimates: Float64Array[];
  computePermutation: boolean;
}

function parityCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  {
    // Harmonic tone + noise, estimates with interference, artifacts and a short filter. 2 s + 77 samples at 8 kHz.
    const rate = 8000;
    const n = 2 * rate + 77;
    const r = seededRandom(1);
    const a = add(sines(n, rate, [[220, 0.5, 0.1], [440, 0.25, 1.3], [660, 0.1, 2.0]]), noise(r, n, 0.05));
    const b = onePole(noise(r, n, 0.3), 0.9);
    const estA = add(fir(a, [0.8, 0.15, -0.05]), mix([b], [0.2]), noise(r, n, 0.02));
    const estB = add(b, mix([a], [-0.3]), noise(r, n, 0.05));
    cases.push({ name: 'tone-noise-2src', references: [a, b], estimates: [estA, estB], computePermutation: false });
    // Same signals, estimates swapped: the permutation search must pair them back.
    cases.push({ name: 'swapped-perm-2src', references: [a, b], estimates: [estB, estA], computePermutation: true });
  }
  {
    // Three sources at 11025 Hz, 2 s + 301 samples, mixing-matrix leakage and per-source filtering.
    const rate = 11025;
    const n = 2 * rate + 301;
    const r = seededRandom(7);
    const s0 = noise(r, n, 0.2);
    const s1 = onePole(noise(r, n, 0.5), 0.95);
    const s2 = chirp(n, rate, 100, 3000, 0.4);
    const refs = [s0, s1, s2];
    const e0 = add(mix(refs, [0.9, 0.1, 0.05]), noise(r, n, 0.03));
    const e1 = add(fir(mix(refs, [0.2, 1.0, 0.1]), [1, 0, 0, 0.3]), noise(r, n, 0.01));
    const e2 = add(mix(refs, [0.05, 0.3, 0.7]), noise(r, n, 0.1));
    cases.push({ name: 'three-src-perm', references: refs, estimates: [e1, e2, e0], computePermutation: true });
    cases.push({ name: 'three-src-fixed', references: refs, estimates: [e0, e1, e2], computePermutation: false });
  }
  {
    // One source at 16 kHz, 3 s: only filtering + artifacts, SIR is +Inf.
    const rate = 16000;
    const n = 3 * rate + 5;
    const r = seededRandom(3);
    const s = add(onePole(noise(r, n, 0.4), 0.7), sines(n, rate, [[1000, 0.2, 0]]));
    const e = add(fir(s, [0.5, 0.3, 0.2, 0.1]), noise(r, n, 0.05));
    cases.push({ name: 'one-src', references: [s], estimates: [e], computePermutation: false });
  }
  {
    // Band-split noise at 22050 Hz, 2 s + 1000 samples: estimates are delayed, scaled mixtures.
    const rate = 22050;
    const n = 2 * rate + 1000;
    const r = seededRandom(11);
    const base = noise(r, n, 0.5);
    const low = onePole(base, 0.97);
    const high = onePole(noise(r, n, 0.5), 0.6, true);
    const delayed = (x: Float64Array, d: number): Float64Array => fir(x, [...new Array<number>(d).fill(0), 1]);
    const eLow = add(mix([low, high], [0.7, 0.25]), delayed(low, 40), noise(r, n, 0.02));
    const eHigh = add(mix([low, high], [0.4, 0.9]), noise(r, n, 0.2));
    cases.push({ name: 'filtered-mixtures', references: [low, high], estimates: [eLow, eHigh], computePermutation: true });
  }
  {
    // Near-pure tones (ill-conditioned Gram matrix) at 22050 Hz, 2.5 s.
    const rate = 22050;
    const n = Math.round(2.5 * rate);
    const r = seededRandom(5);
    const a = add(sines(n, rate, [[330, 0.6, 0]]), noise(r, n, 1e-3));
    const b = add(sines(n, rate, [[523.25, 0.4, 0.5]]), noise(r, n, 1e-3));
    const ea = add(mix([a, b], [1, 0.1]), noise(r, n, 0.01));
    const eb = add(mix([a, b], [0.05, 0.8]), noise(r, n, 0.03));
    cases.push({ name: 'tones-2src', references: [a, b], estimates: [ea, eb], computePermutation: false });
  }
  return cases;
}

function mirEvalAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import mir_eval'], { encoding: 'utf8' });
  return probe.status === 0;
}

function toBytes(signals: Float64Array[]): Buffer {
  const flat = new Float64Array(signals.length * signals[0].length);
  signals.forEach((s, i) => flat.set(s, i * s.length));
  // Float64Array is host-endian; every supported host (x64, arm64) is little-endian like '<f8'.
  return Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength);
}

function parseNum(v: number | string): number {
  if (typeof v === 'number') return v;
  return Number(v); // "Infinity", "-Infinity", "NaN"
}

let maxDiff = 0;

function assertClose(actual: number, expected: number, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.equal(actual, expected, `${what}: expected ${expected}, got ${actual}`);
    return;
  }
  const diff = Math.abs(actual - expected);
  maxDiff = Math.max(maxDiff, diff);
  assert.ok(diff < TOLERANCE_DB, `${what}: ours ${actual.toFixed(4)} dB vs mir_eval ${expected.toFixed(4)} dB (|Δ| ${diff.toFixed(4)})`);
}

test('bss_eval_sources matches mir_eval within 0.05 dB', (t) => {
  if (!mirEvalAvailable()) {
    const message = `${PYTHON} cannot import mir_eval (Debian package python3-mir-eval)`;
    if (process.env.CI) assert.fail(`${message}: required in CI`);
    t.skip(`${message}: parity test skipped`);
    return;
  }
  const cases = parityCases();
  const dir = mkdtempSync(join(tmpdir(), 'stemstream-bss-'));
  try {
    const manifest = {
      cases: cases.map((c, i) => {
        const refPath = join(dir, `${i}-ref.f64`);
        const estPath = join(dir, `${i}-est.f64`);
        writeFileSync(refPath, toBytes(c.references));
        writeFileSync(estPath, toBytes(c.estimates));
        return {
          name: c.name,
          nbSources: c.references.length,
          nbSamples: c.references[0].length,
          references: refPath,
          estimates: estPath,
          computePermutation: c.computePermutation,
        };
      }),
    };
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const run = spawnSync(PYTHON, [repoPath('training/eval/mir_eval_reference.py'), manifestPath], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    assert.equal(run.status, 0, `mir_eval reference script failed: ${run.stderr}`);
    const { results } = JSON.parse(run.stdout) as {
      results: { name: string; error?: string; sdr: (number | string)[]; sir: (number | string)[]; sar: (number | string)[]; perm: number[] }[];
    };
    assert.equal(results.length, cases.length);
    cases.forEach((c, i) => {
      const ref = results[i];
      assert.equal(ref.error, undefined, `${c.name}: mir_eval raised ${ref.error}`);
      const ours = bssEvalSources(c.references, c.estimates, { computePermutation: c.computePermutation });
      assert.deepEqual(ours.perm, ref.perm, `${c.name}: permutation`);
      for (let j = 0; j < c.references.length; j++) {
        assertClose(ours.sdr[j], parseNum(ref.sdr[j]), `${c.name} SDR[${j}]`);
        assertClose(ours.sir[j], parseNum(ref.sir[j]), `${c.name} SIR[${j}]`);
        assertClose(ours.sar[j], parseNum(ref.sar[j]), `${c.name} SAR[${j}]`);
      }
    });
    console.log(`# bss_eval parity: ${cases.length} cases, max |Δ| ${maxDiff.toExponential(2)} dB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('permutations come in itertools order', () => {
  assert.deepEqual(permutations(3), [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ]);
});

test('perfect estimates give +Infinity SIR/SAR and very high SDR; swapped estimates are re-paired', () => {
  const r = seededRandom(21);
  const a = noise(r, 3000, 0.3);
  const b = onePole(noise(r, 3000, 0.3), 0.8);
  const exact = bssEvalSources([a, b], [a, b], { computePermutation: false });
  for (const v of exact.sdr) assert.ok(v > 100, `SDR ${v}`);
  const swapped = bssEvalSources([a, b], [b, a]);
  assert.deepEqual(swapped.perm, [1, 0]);
  for (const v of swapped.sdr) assert.ok(v > 100, `SDR ${v}`);
  const fixed = bssEvalSources([a, b], [b, a], { computePermutation: false });
  for (const v of fixed.sdr) assert.ok(v < 0, `unpaired SDR ${v}`);
});

test('silent references and estimates are flagged instead of throwing', () => {
  const r = seededRandom(4);
  const a = noise(r, 2048, 0.3);
  const silent = new Float64Array(2048);
  const refSilent = bssEvalSources([a, silent], [a, add(a, noise(r, 2048, 0.1))], { computePermutation: false });
  assert.deepEqual(refSilent.silentReferences, [false, true]);
  assert.ok(refSilent.sdr[0] > 100);
  assert.ok(Number.isNaN(refSilent.sdr[1]) && Number.isNaN(refSilent.sir[1]) && Number.isNaN(refSilent.sar[1]));
  const estSilent = bssEvalSources([a, noise(r, 2048, 0.3)], [a, silent], { computePermutation: false });
  assert.deepEqual(estSilent.silentEstimates, [false, true]);
  assert.equal(estSilent.sdr[1], -Infinity);
  assert.ok(Number.isNaN(estSilent.sir[1]));
});

test('mismatched shapes throw SS_ERR_BAD_OPTION; empty input gives empty results', () => {
  assert.throws(
    () => bssEvalSources([new Float64Array(10)], [new Float64Array(11)]),
    (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_OPTION',
  );
  assert.throws(
    () => bssEvalSources([new Float64Array(10)], []),
    (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_OPTION',
  );
  assert.deepEqual(bssEvalSources([], []).sdr, []);
});

test('10 s of 2 sources at 22050 Hz stays fast (FFT correlations, one factorisation)', () => {
  // A guard against accidental O(n²) work; real timings: bench-bss-eval.ts.
  const n = 10 * 22050;
  const r = seededRandom(9);
  const a = noise(r, n, 0.3);
  const b = onePole(noise(r, n, 0.3), 0.9);
  const start = performance.now();
  const res = bssEvalSources([a, b], [add(a, mix([b], [0.1])), add(b, noise(r, n, 0.05))]);
  const seconds = (performance.now() - start) / 1000;
  assert.ok(res.sdr.every(Number.isFinite));
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
});

test('BssReferences reused for several estimate sets gives the same numbers as bssEvalSources', () => {
  const r = seededRandom(31);
  const a = noise(r, 4000, 0.3);
  const b = onePole(noise(r, 4000, 0.3), 0.9);
  const refs = new BssReferences([a, b]);
  for (const gain of [0.1, 0.5]) {
    const ests = [add(a, mix([b], [gain])), add(b, noise(r, 4000, gain))];
    assert.deepEqual(refs.evaluate(ests), bssEvalSources([a, b], ests));
  }
});
