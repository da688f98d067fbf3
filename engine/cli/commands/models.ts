import type { Command } from 'commander';
import { describeError } from '../../errors.js';
import { installedModelNames, readModelPackage, resolveModelDir, type ModelManifest } from '../../model/index.js';

interface ModelRow {
  name: string;
  dir: string;
  instrument?: string;
  params?: number;
  metrics?: ModelManifest['metrics'];
  description?: string;
  error?: string;
}

export function listModels(): ModelRow[] {
  return installedModelNames().map((name) => {
    const dir = resolveModelDir(name);
    try {
      const { manifest } = readModelPackage(dir);
      return {
        name,
        dir,
        instrument: manifest.instrument,
        params: manifest.architecture.trainable_params,
        metrics: manifest.metrics,
        description: manifest.description,
      };
    } catch (e) {
      return { name, dir, error: describeError(e) };
    }
  });
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(2) : '–';
}

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list installed model packages and their validation metrics')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      const rows = listModels();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no models installed (looked in $STEMSTREAM_MODELS and models/)\n');
        return;
      }
      for (const r of rows) {
        if (r.error) {
          process.stdout.write(`${r.name}  BROKEN: ${r.error}\n`);
          continue;
        }
        const params = r.params ? `${(r.params / 1e6).toFixed(2)} M params` : '';
        process.stdout.write(`${r.name}  instrument=${r.instrument}  ${params}  ${r.description ?? ''}\n`);
        for (const [set, m] of Object.entries(r.metrics ?? {})) {
          process.stdout.write(
            `    ${set}: SDR ${fmt(m.sdr_instrument_median)} dB (instrument), ${fmt(m.sdr_rest_median)} dB (rest), ${m.psm_sdr_instrument_median !== undefined ? `PSM bound ${fmt(m.psm_sdr_instrument_median)}` : `IRM bound ${fmt(m.irm_sdr_instrument_median)}`} dB, ${m.tracks ?? '?'} tracks\n`,
          );
        }
      }
    });
}
