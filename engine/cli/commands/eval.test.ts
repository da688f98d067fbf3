import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Command } from 'commander';
import wavefile from 'wavefile';
import { isStemstreamError } from '../../errors.js';
import { repoPath } from '../../paths.js';
import { noise, onePole, seededRandom, sines } from '../../../training/eval/eval-signals.js';
import { registerEval, runEval, type EvalArgs, type SeparatorFactory } from './eval.js';

const RATE = 22050;
let root = '';

function writeWav(path: string, x: Float64Array): void {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, RATE, '32f', Float32Array.from(x));
  writeFileSync(path, wav.toBuffer());
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'stemstream-eval-cli-'));
  const n = RATE; // 1 s per track keeps the run short
  for (const [i, name] of ['t1', 't2'].entries()) {
    const dir = join(root, 'data', `tracks_${RATE}hz`, name);
    mkdirSync(dir, { recursive: true });
    writeWav(join(dir, `instrument_${name}.wav`), sines(n, RATE, [[220 * (i + 1), 0.3, 0], [440 * (i + 1), 0.1, 1]]));
    writeWav(join(dir, `rest_${name}.wav`), onePole(noise(seededRandom(i + 1), n, 0.3), 0.7));
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

/** Collects what the command prints (process.stdout carries the test runner's own TAP stream). */
function capture(): { out: () => string; err: () => string; stdout: (s: string) => void; stderr: (s: string) => void } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, stdout: (s) => void (out += s), stderr: (s) => void (err += s) };
}

const halfMixFactory: SeparatorFactory = async () => ({
  name: 'half-mix',
  separate: async (mix) => ({ instrument: mix.map((c) => c.map((v) => v / 2)), rest: mix.map((c) => c.map((v) => v / 2)) }),
  dispose: async () => {},
});

function program(factory: SeparatorFactory, io = capture()): Command {
  const p = new Command('stemstream').exitOverride();
  registerEval(p, { factory, stdout: io.stdout, stderr: io.stderr });
  for (const c of p.commands) c.exitOverride();
  return p;
}

test('stemstream eval writes the JSON and markdown reports and prints the tables', async () => {
  const io = capture();
  const json = join(root, 'out', 'report.json');
  const md = join(root, 'out', 'report.md');
  let disposed = false;
  const factory: SeparatorFactory = async (args) => ({ ...(await halfMixFactory(args)), dispose: async () => void (disposed = true) });
  await program(factory, io).parseAsync(
    ['eval', '--model', 'whatever', '--data', join(root, 'data'), '--json', json, '--markdown', md, '--max-seconds', '0.5', '--tracks', '1'],
    { from: 'user' },
  );
  process.exitCode = undefined;
  assert.ok(disposed, 'the separator is released');
  const report = JSON.parse(readFileSync(json, 'utf8')) as { schema: string; model: string; tracks: { name: string; seconds: number }[] };
  assert.equal(report.schema, 'stemstream-eval/1');
  assert.equal(report.model, 'half-mix');
  assert.deepEqual(report.tracks.map((tr) => tr.name), ['t1']);
  assert.ok(Math.abs(report.tracks[0].seconds - 0.5) < 1e-3);
  const text = readFileSync(md, 'utf8');
  assert.match(text, /\*\*median \(1\)\*\*/);
  assert.equal((report as unknown as { protocol: { separator: string } }).protocol.separator, 'offline: 64-frame chunks every 32 frames');
  assert.equal(io.out(), text);
  assert.match(io.err(), /\[1\/1\] t1: instrument SDR -?\d+\.\d\d dB/);
});

test('--oracle-mask psm scores the phase-sensitive bound, names it PSM and ranks it above the IRM', async () => {
  const run = async (kind: string) => {
    const io = capture();
    const json = join(root, 'out', `oracle-${kind}.json`);
    await program(halfMixFactory, io).parseAsync(['eval', '--model', 'm', '--data', join(root, 'data'), '--json', json, '--oracle-mask', kind], { from: 'user' });
    process.exitCode = undefined;
    const report = JSON.parse(readFileSync(json, 'utf8')) as { protocol: { oracleMask: string; oracle: string }; median: { oracle: { instrument: { plainSdr: number } } } };
    return { report, io };
  };
  const irm = await run('irm');
  const psm = await run('psm');
  assert.equal(irm.report.protocol.oracleMask, 'irm');
  assert.equal(psm.report.protocol.oracleMask, 'psm');
  assert.match(psm.report.protocol.oracle, /Re\(S_inst·conj\(S_mix\)\)/);
  assert.match(psm.io.out(), /\| PSM SDR \|/);
  assert.doesNotMatch(psm.io.out(), /IRM SDR/);
  assert.match(psm.io.err(), /, PSM -?\d+\.\d\d dB/);
  // Per bin the PSM is the mask in [0, 1] nearest the true STFT, so its plain SDR is the higher.
  assert.ok(psm.report.median.oracle.instrument.plainSdr > irm.report.median.oracle.instrument.plainSdr);
  await assert.rejects(
    program(halfMixFactory).parseAsync(['eval', '--model', 'm', '--data', root, '--oracle-mask', 'cirm'], { from: 'user' }),
    /oracle-mask/,
  );
});

test('a stray --latency and bad numbers are refused before any model loads', async () => {
  let loads = 0;
  const counting: SeparatorFactory = async (args) => {
    loads++;
    return halfMixFactory(args);
  };
  const base: EvalArgs = {
    model: 'm', data: join(root, 'data'), streaming: false, device: 'cpu', step: 32, batch: 4, permutation: true, oracle: true,
    block: 256, hopInterval: 2, lookahead: 1,
  };
  const badOption = (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_BAD_OPTION';
  await assert.rejects(runEval({ ...base, latencyMs: 50 }, { factory: counting }), badOption);
  assert.equal(loads, 0);
  await assert.rejects(
    program(counting).parseAsync(['eval', '--model', 'm', '--data', root, '--max-seconds', 'abc'], { from: 'user' }),
    badOption,
  );
});

test('the real model path runs end to end with the tiny fixture model', async () => {
  const io = capture();
  const code = await runEval({
    model: repoPath('engine/model/fixtures/tiny'),
    data: join(root, 'data'),
    maxSeconds: 0.5,
    tracks: 1,
    streaming: false,
    device: 'cpu',
    threads: 1,
    step: 32,
    batch: 4,
    permutation: false,
    oracle: false,
    block: 256,
    hopInterval: 2,
    lookahead: 1,
  }, { stdout: io.stdout, stderr: io.stderr });
  assert.equal(code, 0);
  // An untrained model separates nothing useful, but the numbers must be finite.
  assert.match(io.out(), /\| t1 \| -?\d+\.\d\d \| -?\d+\.\d\d \|/);
});

test('--streaming scores the live algorithm, and a latency below its floor is a clear error', async () => {
  const args: EvalArgs = {
    model: repoPath('engine/model/fixtures/tiny'), data: join(root, 'data'), maxSeconds: 0.5, tracks: 1, streaming: true,
    latencyMs: 150, device: 'cpu', threads: 1, step: 32, batch: 4, permutation: false, oracle: false, block: 256, hopInterval: 2, lookahead: 1,
  };
  const io = capture();
  assert.equal(await runEval(args, { stdout: io.stdout, stderr: io.stderr }), 0);
  assert.match(io.out(), /\| t1 \| -?\d+\.\d\d \| -?\d+\.\d\d \|/);
  // The report says it scored the live path, with which settings (offline reports say offline).
  assert.match(io.out(), /separator streaming: 150 ms latency, model every 2 hops, 1 lookahead frames, 256-frame blocks\./);
  await assert.rejects(runEval({ ...args, latencyMs: 40 }, { stdout: io.stdout, stderr: io.stderr }), (e: unknown) => isStemstreamError(e) && /window alone/.test((e as Error).message));
});

test('--write-metrics records the medians in the model card', async () => {
  const pkg = join(root, 'card-model');
  cpSync(repoPath('engine/model/fixtures/tiny'), pkg, { recursive: true });
  const io = capture();
  const args = (model: string): EvalArgs => ({
    model, data: join(root, 'data'), maxSeconds: 0.5, tracks: 1, streaming: false, device: 'cpu', threads: 1,
    step: 32, batch: 4, permutation: false, oracle: true, block: 256, hopInterval: 2, lookahead: 1, writeMetrics: 'val-test',
  });
  const code = await runEval(args(pkg), { stdout: io.stdout, stderr: io.stderr });
  assert.equal(code, 0);
  const card = JSON.parse(readFileSync(join(pkg, 'model.json'), 'utf8'));
  assert.equal(card.metrics['val-test'].tracks, 1);
  assert.equal(typeof card.metrics['val-test'].sdr_instrument_median, 'number');
  assert.equal(typeof card.metrics['val-test'].irm_sdr_instrument_median, 'number');
  await runEval({ ...args(pkg), oracleMask: 'psm', writeMetrics: 'val-psm' }, { stdout: io.stdout, stderr: io.stderr });
  const psmCard = JSON.parse(readFileSync(join(pkg, 'model.json'), 'utf8'));
  assert.equal(typeof psmCard.metrics['val-psm'].psm_sdr_instrument_median, 'number');
  assert.equal(psmCard.metrics['val-psm'].irm_sdr_instrument_median, undefined, 'a PSM bound is never filed as the IRM one');
});
