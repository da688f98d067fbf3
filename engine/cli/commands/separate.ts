import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { StemstreamError, isStemstreamError } from '../../errors.js';
import { loadModel, type InferenceDevice } from '../../model/index.js';
import { separateFile, separatorModel, type SeparateFileResult } from '../../separator/index.js';
import type { OutputBits, OutputFormat } from '../../separator/separate-file.js';
import { StreamingFileProcessor, type StreamingPlan, type StreamingRenderOptions } from '../../streaming/index.js';
import { intOption, numberOption } from '../options.js';
import { createProgress } from '../progress.js';

export interface SeparateArgs {
  model: string;
  out: string;
  format: OutputFormat;
  bits?: OutputBits;
  device: InferenceDevice;
  threads?: number;
  step: number;
  batch: number;
  json: boolean;
  progress: boolean;
  /** Run the live algorithm (`--streaming`) instead of the offline one. */
  streaming?: StreamingRenderOptions;
}

/**
 * Output folders: one input writes `<out>/instrument.<ext>` and `<out>/rest.<ext>`; several inputs
 * write `<out>/<track>/…`, where <track> is the file name without extension (made unique).
 */
export function outputDirs(inputs: string[], out: string): string[] {
  if (inputs.length === 1) return [out];
  const used = new Map<string, number>();
  return inputs.map((input) => {
    const stem = basename(input, extname(input)) || 'track';
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return join(out, n === 1 ? stem : `${stem}-${n}`);
  });
}

export async function runSeparate(inputs: string[], args: SeparateArgs): Promise<number> {
  if (args.format === 'flac' && args.bits === 32) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', 'FLAC holds integers only: use --bits 16 or 24, or --format wav for 32-bit float');
  }
  // Validate before working: every input exists, then the model loads once.
  const missing = inputs.filter((i) => !existsSync(i));
  for (const m of missing) process.stderr.write(`stemstream: error: input not found: ${m}\n`);
  const todo = inputs.filter((i) => existsSync(i));
  const model = await loadModel(args.model, { device: args.device, threads: args.threads });
  const sepModel = separatorModel(model);
  const dirs = outputDirs(inputs, resolve(args.out));
  const results: SeparateFileResult[] = [];
  let plan: StreamingPlan | undefined;
  const failures: { input: string; code: string; message: string }[] = missing.map((input) => ({
    input,
    code: 'SS_ERR_FILE_NOT_FOUND',
    message: `input not found: ${input}`,
  }));
  try {
    for (const [i, input] of inputs.entries()) {
      if (!todo.includes(input)) continue;
      const dir = dirs[i];
      const ext = args.format;
      const bar = args.progress ? createProgress(basename(input)) : null;
      try {
        await mkdir(dir, { recursive: true });
        const result = await separateFile(
          input,
          { instrument: join(dir, `instrument.${ext}`), rest: join(dir, `rest.${ext}`) },
          sepModel,
          {
            format: args.format,
            bits: args.bits,
            stepFrames: args.step,
            batchSize: args.batch,
            onProgress: bar ? (done, total) => bar.update(done, total) : undefined,
            processor: args.streaming
              ? async (m, rate, channels, sink) => {
                  const p = await StreamingFileProcessor.create(m, rate, channels, sink, args.streaming as StreamingRenderOptions);
                  plan = p.plan;
                  return p;
                }
              : undefined,
          },
        );
        bar?.stop();
        results.push(result);
        if (!args.json) {
          process.stderr.write(
            `${input} → ${dir}  (${result.durationS.toFixed(1)} s of audio in ${result.elapsedS.toFixed(1)} s, RTF ${result.rtf.toFixed(3)})\n`,
          );
        }
      } catch (e) {
        bar?.stop();
        if (!isStemstreamError(e)) throw e;
        failures.push({ input, code: e.code, message: e.message });
        process.stderr.write(`stemstream: error: ${e.message}\n`);
      }
    }
  } finally {
    await model.dispose();
  }
  if (args.json) {
    const summary = {
      model: { name: model.name, dir: model.dir, device: model.device },
      streaming: plan
        ? {
            latency_ms: plan.latencyMs,
            structural_ms: plan.structuralMs,
            window_floor_ms: plan.windowFloorMs,
            hop_interval: plan.hopInterval,
            lookahead: plan.lookahead,
            block_frames: args.streaming?.blockFrames,
          }
        : null,
      outputs: results.map((r) => ({
        input: r.input,
        instrument: r.instrument,
        rest: r.rest,
        sample_rate: r.sampleRate,
        channels: r.nbChannels,
        frames: r.nbFrames,
        format: r.format,
        bits: r.bits,
        duration_s: r.durationS,
        elapsed_s: r.elapsedS,
        rtf: r.rtf,
      })),
      failures,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  }
  return failures.length > 0 ? 1 : 0;
}

export function registerSeparate(program: Command): void {
  program
    .command('separate')
    .description('separate audio files into an instrument stem and a rest stem')
    .argument('<files...>', 'audio files (wav, flac, mp3, ogg)')
    .option('-m, --model <name|dir>', 'model name (see `stemstream models`) or package folder', 'guitar')
    .option('-o, --out <dir>', 'output folder', 'separated')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['wav', 'flac']).default('wav'))
    .addOption(new Option('-b, --bits <bits>', 'output bits (32 = float WAV); default follows the input').choices(['16', '24', '32']))
    .addOption(new Option('-d, --device <device>', 'inference device').choices(['cpu', 'cuda']).default('cpu'))
    .option('-j, --threads <n>', 'inference threads (default: all cores)', intOption('--threads', 1, 256))
    .option('--step <frames>', 'frames between overlapping chunks (must divide the chunk length)', intOption('--step', 1, 4096), 32)
    .option('--batch <chunks>', 'chunks per inference call', intOption('--batch', 1, 256), 4)
    .option('--streaming', 'run the live (streaming) algorithm on the file: same blocks, K and L as `stemstream live`')
    .option('--latency <ms>', 'with --streaming: input-to-output delay in ms (default: the least K and L allow)', numberOption('--latency', 1, 10000))
    .option('--hop-interval <K>', 'with --streaming: run the model every K hops', intOption('--hop-interval', 1, 32), 2)
    .option('--lookahead <L>', 'with --streaming: frames of lookahead', intOption('--lookahead', 0, 62), 1)
    .option('--block <frames>', 'with --streaming: audio block size in frames', intOption('--block', 16, 8192), 256)
    .option('--json', 'print a JSON summary on stdout')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], opts: Record<string, unknown>) => {
      const code = await runSeparate(files, {
        model: String(opts.model),
        out: String(opts.out),
        format: opts.format as OutputFormat,
        bits: opts.bits === undefined ? undefined : (Number(opts.bits) as OutputBits),
        device: opts.device as InferenceDevice,
        threads: opts.threads as number | undefined,
        step: opts.step as number,
        batch: opts.batch as number,
        json: Boolean(opts.json),
        progress: opts.progress !== false && process.stderr.isTTY === true,
        streaming: opts.streaming
          ? {
              blockFrames: opts.block as number,
              hopInterval: opts.hopInterval as number,
              lookahead: opts.lookahead as number,
              latencyMs: opts.latency as number | undefined,
            }
          : undefined,
      });
      process.exitCode = code;
    });
}

