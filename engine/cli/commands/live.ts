import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { listAudioSystems, type AudioApiName } from '../../audio-io/index.js';
import { StemstreamError } from '../../errors.js';
import { LiveEngine, loadBufferSource, type LiveOptions, type LiveReport } from '../../live/index.js';
import type { InferenceDevice } from '../../model/index.js';
import { repoPath } from '../../paths.js';

/** The bundled demo clip: a song rendered by our own generator from FluidR3 (MIT). */
export const DEMO_CLIP = repoPath('engine', 'live', 'assets', 'demo-song.flac');

interface LiveArgs {
  input: string;
  output: string;
  api?: AudioApiName;
  inputDevice?: number;
  outputDevice?: number;
  rate: number;
  buffer: number;
  outputChannels: 2 | 4;
  model: string;
  device: InferenceDevice;
  threads?: number;
  latency?: number;
  hopInterval: number;
  lookahead: number;
  duration?: number;
  report?: 'json';
}

function num(name: string, min: number, max: number, integer = true) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

/** Whether any audio system here offers a device with inputs (or outputs). */
function findDevices(api?: AudioApiName): { input: boolean; output: boolean } {
  try {
    const systems = listAudioSystems().filter((s) => s.api !== 'null' && s.compiled && !s.error && (api === undefined || api === 'default' || s.api === api));
    const devices = systems.flatMap((s) => s.devices);
    return { input: devices.some((d) => d.inputChannels >= 1), output: devices.some((d) => d.outputChannels >= 2) };
  } catch {
    return { input: false, output: false };
  }
}

export async function runLive(args: LiveArgs, log: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): Promise<LiveReport> {
  const found = args.input === 'auto' || args.output === 'auto' ? findDevices(args.api) : { input: true, output: true };
  let input = args.input;
  let output = args.output;
  if (input === 'auto') input = found.input ? 'device' : 'demo';
  if (output === 'auto') output = found.output ? 'device' : 'null';
  if (args.input === 'auto' && input === 'demo') log('stemstream: no audio input device found: playing the bundled demo clip instead');
  if (args.output === 'auto' && output === 'null') log('stemstream: no audio output device found: running headless (null output)');
  let source: LiveOptions['source'];
  if (input === 'device') source = { kind: 'device', inputDevice: args.inputDevice };
  else {
    const path = input === 'demo' ? DEMO_CLIP : input;
    if (!existsSync(path)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `input not found: ${path} (use --input device, demo or an audio file)`);
    const buf = await loadBufferSource(path, args.rate);
    source = { kind: 'buffer', label: input === 'demo' ? 'demo' : path, ...buf };
  }
  if (output !== 'device' && output !== 'null') throw new StemstreamError('SS_ERR_BAD_OPTION', `--output must be device or null, got "${output}"`);
  const engine = await LiveEngine.start({
    source,
    output: output === 'device' ? { kind: 'device', outputDevice: args.outputDevice } : { kind: 'null' },
    api: args.api,
    sampleRate: args.rate,
    bufferFrames: args.buffer,
    outputChannels: args.outputChannels,
    model: args.model,
    device: args.device,
    threads: args.threads,
    hopInterval: args.hopInterval,
    lookahead: args.lookahead,
    latencyMs: args.latency,
  });
  engine.on('warning', (m) => log(`stemstream: warning: ${m}`));
  engine.on('lost', (m) => log(`stemstream: audio device lost: ${m} (retrying)`));
  engine.on('restored', () => log('stemstream: audio device back'));
  const p = engine.plan;
  if (args.report !== 'json') {
    log(
      `stemstream live: model ${args.model}, ${args.rate} Hz, block ${args.buffer}, K=${p.hopInterval} L=${p.lookahead}, separator delay ${p.latencyMs.toFixed(1)} ms ` +
        `(structural ${p.structuralMs.toFixed(1)} ms, window floor ${p.windowFloorMs.toFixed(1)} ms, inference budget ${p.inferenceBudgetMs.toFixed(1)} ms). Ctrl-C to stop.`,
    );
  }
  const done = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (args.duration !== undefined) setTimeout(stop, args.duration * 1000);
  });
  const ticker =
    args.report !== 'json' && process.stderr.isTTY
      ? setInterval(() => {
          const r = engine.report();
          process.stderr.write(
            `\r${r.latency_ms.toFixed(0)} ms latency | misses ${r.deadline_misses} | xruns ${r.xruns} | inference ${r.inference_ms_mean.toFixed(1)} ms (RTF ${r.inference_rtf.toFixed(2)}) | CPU ${r.cpu_percent.toFixed(0)}%   `,
          );
        }, 1000)
      : null;
  await done;
  if (ticker) clearInterval(ticker);
  const report = engine.report();
  await engine.stop();
  return report;
}

export function registerLive(program: Command): void {
  program
    .command('live')
    .description('separate live: audio interface (or a file / the demo clip) in, instrument and rest mixed out')
    .option('-i, --input <device|demo|file>', 'input: the audio interface, the bundled demo clip, or an audio file (looped)', 'auto')
    .option('-o, --output <device|null>', 'output: the audio interface, or null (headless)', 'auto')
    .addOption(new Option('--api <api>', 'audio API (see `stemstream devices`)').choices(['default', 'jack', 'alsa', 'pulse', 'coreaudio', 'wasapi', 'asio', 'ds', 'null']))
    .option('--input-device <id>', 'input device id (see `stemstream devices`)', num('--input-device', 0, 1e6))
    .option('--output-device <id>', 'output device id', num('--output-device', 0, 1e6))
    .addOption(new Option('-r, --rate <hz>', 'sample rate').choices(['44100', '48000', '96000']).default('48000'))
    .option('-b, --buffer <frames>', 'device buffer (and processing block) in frames, 64–1024', num('--buffer', 64, 1024), 256)
    .addOption(new Option('--output-channels <n>', '2: the mix; 4: instrument L/R + rest L/R for a DAW').choices(['2', '4']).default('2'))
    .option('-m, --model <name|dir>', 'model name or package folder', 'guitar')
    .addOption(new Option('-d, --device <device>', 'inference device').choices(['cpu', 'cuda']).default('cpu'))
    .option('-j, --threads <n>', 'inference threads (default: cores − 1)', num('--threads', 1, 256))
    .option('-l, --latency <ms>', 'input-to-output delay of the separator in ms (must exceed the window, lookahead and inference time)', num('--latency', 1, 5000, false), 150)
    .option('--hop-interval <K>', 'run the model every K hops (17.4 ms each)', num('--hop-interval', 1, 32), 2)
    .option('--lookahead <L>', 'frames of lookahead in the model window', num('--lookahead', 0, 62), 1)
    .option('--duration <s>', 'stop after S seconds (headless runs, tests)', num('--duration', 0.1, 1e7, false))
    .addOption(new Option('--report <format>', 'print a report when stopping').choices(['json']))
    .action(async (opts: Record<string, unknown>) => {
      const report = await runLive({
        input: String(opts.input),
        output: String(opts.output),
        api: opts.api as AudioApiName | undefined,
        inputDevice: opts.inputDevice as number | undefined,
        outputDevice: opts.outputDevice as number | undefined,
        rate: Number(opts.rate),
        buffer: opts.buffer as number,
        outputChannels: Number(opts.outputChannels) as 2 | 4,
        model: String(opts.model),
        device: opts.device as InferenceDevice,
        threads: opts.threads as number | undefined,
        latency: opts.latency as number | undefined,
        hopInterval: opts.hopInterval as number,
        lookahead: opts.lookahead as number,
        duration: opts.duration as number | undefined,
        report: opts.report as 'json' | undefined,
      });
      if (opts.report === 'json') process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stderr.write('\n');
    });
}
