import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { StemstreamError, describeError } from '../../errors.js';
import { loadModel, readModelPackage, resolveModelDir, type InferenceDevice } from '../../model/index.js';
import { separateChannels, separatorModel } from '../../separator/index.js';
import { StreamingFileProcessor } from '../../streaming/index.js';
import { intOption, positiveOption } from '../options.js';
import { compareReports, comparisonMarkdown, meanReport, evaluateDataset, jsonNumbers, manifestMetrics, parseReport, toJson, toMarkdown, type Comparison, type EvalReport, type EvaluateOptions, type OracleMaskKind, type Separator, ORACLE_MASK_KINDS } from '../../../training/eval/index.js';

export interface EvalArgs {
  model: string;
  data: string;
  json?: string;
  markdown?: string;
  maxSeconds?: number;
  tracks?: number;
  streaming: boolean;
  latencyMs?: number;
  device: InferenceDevice;
  threads?: number;
  step: number;
  batch: number;
  /** Streaming settings (used with `streaming`). */
  block: number;
  hopInterval: number;
  lookahead: number;
  permutation: boolean;
  oracle: boolean;
  /** Which oracle bound (default irm). */
  oracleMask?: OracleMaskKind;
  /** Record the medians in the model's model.json under this evaluation-set name. */
  writeMetrics?: string;
}

/** A separator plus its clean-up; `runEval` takes a factory so tests can inject one. */
export interface SeparatorHandle {
  name: string;
  separate: Separator;
  dispose(): Promise<void>;
}

export type SeparatorFactory = (args: EvalArgs) => Promise<SeparatorHandle>;

/** What runEval needs from the outside world; tests replace it. */
export interface EvalDeps {
  factory: SeparatorFactory;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The real thing: one ONNX model, loaded once, run by the offline separator. */
export const modelSeparatorFactory: SeparatorFactory = async (args) => {
  const model = await loadModel(args.model, { device: args.device, threads: args.threads });
  const sepModel = separatorModel(model);
  return {
    name: model.name,
    separate: (mix, sampleRate) =>
      separateChannels(mix, sampleRate, sepModel, {
        stepFrames: args.step,
        batchSize: args.batch,
        // --streaming scores the live algorithm itself (same K, L and blocks as `stemstream live`).
        processor: args.streaming
          ? (m, rate, channels, sink) =>
              StreamingFileProcessor.create(m, rate, channels, sink, {
                blockFrames: args.block,
                hopInterval: args.hopInterval,
                lookahead: args.lookahead,
                latencyMs: args.latencyMs,
              })
          : undefined,
      }),
    dispose: () => model.dispose(),
  };
};

/** `stemstream eval`'s defaults for an offline evaluation of `model` on `data`, with `options` over them. */
export function offlineEvalArgs(model: string, data: string, options: Partial<EvalArgs> = {}): EvalArgs {
  return { model, data, streaming: false, device: 'cpu', step: 32, batch: 4, block: 256, hopInterval: 2, lookahead: 1, permutation: true, oracle: true, ...options };
}

/** The separator settings a report records, so a live-path report never passes for an offline one. */
export function separatorSettings(args: EvalArgs): string {
  return args.streaming
    ? `streaming: ${args.latencyMs === undefined ? 'default' : `${args.latencyMs} ms`} latency, model every ${args.hopInterval} hops, ${args.lookahead} lookahead frames, ${args.block}-frame blocks`
    : `offline: 64-frame chunks every ${args.step} frames`;
}

/** Loads the model `args` names, evaluates it on `args.data` as `stemstream eval` does, and releases it. */
export async function evaluateModel(args: EvalArgs, onTrack?: EvaluateOptions['onTrack'], factory: SeparatorFactory = modelSeparatorFactory): Promise<EvalReport> {
  const handle = await factory(args);
  try {
    return await evaluateDataset(args.data, {
      separator: handle.separate,
      modelName: handle.name,
      maxSeconds: args.maxSeconds,
      maxTracks: args.tracks,
      computePermutation: args.permutation,
      oracle: args.oracle,
      oracleMask: args.oracleMask,
      separatorSettings: separatorSettings(args),
      onTrack,
    });
  } finally {
    await handle.dispose();
  }
}

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
    await writeFile(path, text);
  } catch (e) {
    throw new StemstreamError('SS_ERR_WRITE_FAILED', `cannot write ${path}: ${describeError(e)}`, { cause: e });
  }
}

/**
 * Evaluates a model on a dataset folder: markdown report on stdout (and in --markdown), JSON in
 * --json, one progress line per track on stderr. Returns the exit code.
 */
export async function runEval(args: EvalArgs, deps: Partial<EvalDeps> = {}): Promise<number> {
  const { factory, stdout, stderr } = { ...defaultDeps(), ...deps };
  // Validate before working (no model load for a request we cannot serve).
  if (args.latencyMs !== undefined && !args.streaming) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', '--latency only applies with --streaming');
  }
  const report = await evaluateModel(
    args,
    (done, total, t) => {
      const irm = t.oracle ? `, ${args.oracleMask === 'psm' ? 'PSM' : 'IRM'} ${t.oracle.instrument.sdr.toFixed(2)} dB` : '';
      stderr(
        `[${done}/${total}] ${t.name}: instrument SDR ${t.model.instrument.sdr.toFixed(2)} dB, rest ${t.model.rest.sdr.toFixed(2)} dB${irm} (${t.seconds.toFixed(1)} s separated in ${t.separateSeconds.toFixed(1)} s)\n`,
      );
    },
    factory,
  );
  const markdown = toMarkdown(report);
  if (args.writeMetrics) await recordMetrics(args.model, args.writeMetrics, manifestMetrics(report));
  if (args.json) await writeOutput(args.json, toJson(report));
  if (args.markdown) await writeOutput(args.markdown, markdown);
  stdout(markdown);
  return 0;
}

/** Writes the medians into `<model>/model.json` → metrics[setName] (the model card the CLI and UI show). */
async function recordMetrics(modelRef: string, setName: string, metrics: Record<string, number | string | null>): Promise<void> {
  const dir = resolveModelDir(modelRef);
  const path = join(dir, 'model.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as { metrics?: Record<string, unknown> };
  manifest.metrics = { ...(manifest.metrics ?? {}), [setName]: metrics };
  await writeOutput(path, `${JSON.stringify(manifest, null, 2)}\n`);
  readModelPackage(dir); // still valid
}

function defaultDeps(): EvalDeps {
  return {
    factory: modelSeparatorFactory,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
}

/** `stemstream eval --model M --data DIR [--json out.json] [--markdown out.md] [--max-seconds S] [--tracks N]`. */
export function registerEval(program: Command, deps: Partial<EvalDeps> = {}): void {
  program
    .command('eval')
    .description('evaluate a model on a dataset folder (BSS-eval SDR/SIR/SAR, SI-SDR, oracle-mask bound; medians over tracks)')
    .requiredOption('-m, --model <name|dir>', 'model name (see `stemstream models`) or package folder')
    .requiredOption('--data <dir>', 'dataset folder holding tracks_<rate>hz/<track>/{instrument,rest}_<track>.wav')
    .option('--json <file>', 'write the full report as JSON')
    .option('--markdown <file>', 'write the markdown tables to a file (they are always printed on stdout)')
    .option('--max-seconds <s>', 'evaluate only the first S seconds of each track', positiveOption('--max-seconds'))
    .option('--tracks <n>', 'evaluate only the first N tracks (by name)', intOption('--tracks', 1, 1_000_000))
    .option('--streaming', 'evaluate the live (streaming) algorithm instead of the offline one')
    .option('--latency <ms>', 'streaming latency in milliseconds (with --streaming)', positiveOption('--latency'))
    .option('--hop-interval <K>', 'with --streaming: run the model every K hops', intOption('--hop-interval', 1, 32), 2)
    .option('--lookahead <L>', 'with --streaming: frames of lookahead', intOption('--lookahead', 0, 62), 1)
    .option('--block <frames>', 'with --streaming: audio block size', intOption('--block', 16, 8192), 256)
    .addOption(new Option('-d, --device <device>', 'inference device').choices(['cpu', 'cuda']).default('cpu'))
    .option('-j, --threads <n>', 'inference threads (default: all cores)', intOption('--threads', 1, 256))
    .option('--step <frames>', 'frames between overlapping chunks (must divide the chunk length)', intOption('--step', 1, 4096), 32)
    .option('--batch <chunks>', 'chunks per inference call', intOption('--batch', 1, 256), 4)
    .option('--no-permutation', 'pair estimates with references in order (mir_eval compute_permutation=False)')
    .option('--no-oracle', 'skip the oracle ideal-ratio-mask bound')
    .addOption(
      new Option('--oracle-mask <kind>', 'oracle bound: irm = clip(|S|/|X|), the training target; psm = clip(Re(S·conj(X))/|X|²), the phase-sensitive mask, the tightest real mask in [0, 1]')
        .choices([...ORACLE_MASK_KINDS])
        .default('irm'),
    )
    .option('--write-metrics <set-name>', "record the medians in the model's model.json under this name")
    .action(async (opts: Record<string, unknown>) => {
      process.exitCode = await runEval(
        {
          model: String(opts.model),
          data: String(opts.data),
          json: opts.json as string | undefined,
          markdown: opts.markdown as string | undefined,
          maxSeconds: opts.maxSeconds as number | undefined,
          tracks: opts.tracks as number | undefined,
          streaming: Boolean(opts.streaming),
          latencyMs: opts.latency as number | undefined,
          device: opts.device as InferenceDevice,
          threads: opts.threads as number | undefined,
          step: opts.step as number,
          block: opts.block as number,
          hopInterval: opts.hopInterval as number,
          lookahead: opts.lookahead as number,
          batch: opts.batch as number,
          permutation: opts.permutation !== false,
          oracle: opts.oracle !== false,
          oracleMask: opts.oracleMask as OracleMaskKind,
          writeMetrics: opts.writeMetrics as string | undefined,
        },
        deps,
      );
    });
}

/**
 * `stemstream eval-compare BASE.json RUN.json [RUN2.json …]`: paired per-track differences of
 * each run against the base report (median, bootstrap 95 % interval, better/worse counts). Any
 * argument may join replicate reports with commas (`s0.json,s1.json`): their per-track mean is compared.
 */
export async function runEvalCompare(files: string[], opts: { json?: string; resamples?: number }, stdout: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  if (files.length < 2) throw new StemstreamError('SS_ERR_BAD_OPTION', 'eval-compare needs a base report and at least one report to compare with it');
  const read = async (f: string) => {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (e) {
      throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `cannot read ${f}: ${describeError(e)}`, { cause: e });
    }
    return parseReport(text, f);
  };
  // `a.json,b.json`: replicates of one recipe, compared by their per-track mean.
  const [base, ...runs] = await Promise.all(files.map(async (f) => meanReport(await Promise.all(f.split(',').map(read)))));
  const results: Comparison[] = runs.map((r) => compareReports(base, r, { resamples: opts.resamples }));
  results.forEach((c, i) => stdout(`${comparisonMarkdown(c, files[i + 1])}
`));
  if (opts.json) await writeOutput(opts.json, `${JSON.stringify(results, jsonNumbers, 2)}\n`);
  return 0;
}

export function registerEvalCompare(program: Command): void {
  program
    .command('eval-compare')
    .description('compare eval reports track by track against a base report (median difference, bootstrap 95% interval)')
    .argument('<base>', 'the base report (stemstream eval --json); a,b,… averages replicate runs track by track')
    .argument('<runs...>', 'reports to compare with it (same dataset and protocol); a,b,… averages replicates')
    .option('--json <file>', 'write the comparisons as JSON')
    .option('--resamples <n>', 'bootstrap resamples', intOption('--resamples', 100, 1_000_000), 2000)
    .action(async (base: string, runs: string[], opts: Record<string, unknown>) => {
      process.exitCode = await runEvalCompare([base, ...runs], { json: opts.json as string | undefined, resamples: opts.resamples as number });
    });
}
