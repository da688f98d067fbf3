/**
 * Mask-power calibration of a checkpoint, end to end (resumable: finished steps are kept):
 *
 *   node --import tsx training/eval/calibrate.ts --checkpoint runs/x/last.pt --data /work/data/indist-guitar \
 *     --work /tmp/cal-guitar [--candidates 1,0.7,0.5,0.3] [--max-seconds 30] [--threads N]
 *
 * For each candidate p: exports `<work>/p<p>` (export_package.py --mask-power p), evaluates it on
 * --data as `stemstream eval --no-permutation --no-oracle --max-seconds S` does
 * (`<work>/p<p>.json`), then decides (calibration.ts) and writes `<work>/calibration.json`.
 * Ship with `export_package.py --checkpoint … --calibration <work>/calibration.json`.
 * --data must be training-family songs the checkpoint never saw (e.g. `dataset synth --split
 * train` with an unused seed), not the validation family: that is what the exponent is scored on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateModel, offlineEvalArgs } from '../../engine/cli/commands/eval.js';
import { intOption } from '../../engine/cli/options.js';
import { chooseMaskPower } from './calibration.js';
import { parseReport } from './compare.js';
import { toJson, type EvalReport } from './report.js';

const EXPORT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'export_package.py');

/** `stemstream eval --no-permutation --no-oracle --max-seconds S` of one candidate package. */
function evaluate(modelDir: string, data: string, maxSeconds: number, threads?: number): Promise<EvalReport> {
  return evaluateModel(offlineEvalArgs(modelDir, data, { permutation: false, oracle: false, maxSeconds, threads }), (done, total, t) =>
    process.stderr.write(`[${basename(modelDir)} ${done}/${total}] ${t.name}: instrument ${t.model.instrument.sdr.toFixed(2)} dB, rest ${t.model.rest.sdr.toFixed(2)} dB\n`),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      checkpoint: { type: 'string' },
      data: { type: 'string' },
      work: { type: 'string' },
      candidates: { type: 'string', default: '1,0.7,0.5,0.3' },
      'max-seconds': { type: 'string', default: '30' },
      python: { type: 'string', default: '/usr/bin/python3' },
      // Inference threads (default: all cores); 1 when two calibrations share the machine.
      threads: { type: 'string' },
    },
  });
  if (!values.checkpoint || !values.data || !values.work) throw new Error('usage: calibrate.ts --checkpoint CKPT --data DIR --work DIR [--candidates 1,0.7,0.5,0.3] [--max-seconds 30]');
  const candidates = values.candidates!.split(',').map(Number);
  if (!candidates.includes(1) || candidates.some((p) => !(p > 0 && p <= 4))) throw new Error('--candidates: powers in (0, 4], including 1 (the baseline)');
  const maxSeconds = Number(values['max-seconds']);
  const threads = values.threads === undefined ? undefined : intOption('--threads', 1, 256)(values.threads);
  const work = resolve(values.work);
  mkdirSync(work, { recursive: true });
  const reports = new Map<number, EvalReport>();
  for (const p of candidates) {
    const pkg = join(work, `p${p}`);
    const json = `${pkg}.json`;
    if (!existsSync(json)) {
      if (!existsSync(join(pkg, 'model.json'))) execFileSync(values.python!, [EXPORT, '--checkpoint', values.checkpoint, '--out', pkg, '--mask-power', String(p)], { stdio: ['ignore', 'ignore', 'inherit'] });
      writeFileSync(json, toJson(await evaluate(pkg, values.data, maxSeconds, threads)));
    }
    reports.set(p, parseReport(readFileSync(json, 'utf8'), json));
  }
  const record = chooseMaskPower(reports, `${basename(resolve(values.data))}: first ${maxSeconds} s of each track, fixed pairing`);
  writeFileSync(join(work, 'calibration.json'), `${JSON.stringify(record, null, 1)}\n`);
  for (const [p, s] of Object.entries(record.scores)) {
    process.stdout.write(`mask_power ${p}: ${s.medianDelta >= 0 ? '+' : ''}${s.medianDelta.toFixed(2)} dB [${s.ci95.map((v) => v.toFixed(2)).join(', ')}], ${s.wins}/${s.losses} tracks better/worse\n`);
  }
  process.stdout.write(`chosen: ${record.mask_power} -> ${join(work, 'calibration.json')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`calibrate: ${(e as Error).message}\n`);
  process.exit(1);
});
