import { existsSync } from 'node:fs';
import { filePeaks, type WaveformPeaks } from '../../audio-file/index.js';
import { Option, type Command } from 'commander';
import { listAudioSystems, type AudioApiName } from '../../audio-io/index.js';
import { StemstreamError } from '../../errors.js';
import { LiveEngine, loadBufferSource, type LiveOptions, type LiveReport } from '../../live/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlServer, EngineController, OfflineJobs, PresetStore, type EngineSettings } from '../../control/index.js';
import { loadModel, type InferenceDevice } from '../../model/index.js';
import { separateFile, separatorModel } from '../../separator/index.js';
import { repoPath } from '../../paths.js';
import { MidiController, loadDefaultMidiConfig, parseMidiConfig, type DefaultMidiConfigName, type MidiBinding } from '../../midi/index.js';
import { intOption, intOrAutoOption, numberOption } from '../options.js';

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
  hopInterval: number | 'auto';
  lookahead: number | 'auto';
  duration?: number;
  report?: 'json';
  /** commander's --no-server gives server: false. */
  server?: boolean;
  /** --no-midi gives false. */
  midi?: boolean;
  /** Shipped MIDI map used when the preset has none. */
  midiMap?: DefaultMidiConfigName;
  /** MIDI system to use instead of the default binding (tests inject a FakeMidiSystem). */
  midiBinding?: MidiBinding | null;
  host?: string;
  port?: number;
  token?: string;
  preset?: string;
  files?: string;
  maxUploadMb?: number;
  allowOrigin?: string[];
}

/** Where `npm start` serves the control surface. */
export const DEFAULT_PORT = 8765;

/** The offline page's separation: `<outDir>/instrument.wav` and `rest.wav` with the running model. */
export async function separateToDir(input: string, outDir: string, model: string, device: InferenceDevice, progress: (f: number) => void): Promise<void> {
  const loaded = await loadModel(model, { device, threads: 1 });
  try {
    await separateFile(input, { instrument: join(outDir, 'instrument.wav'), rest: join(outDir, 'rest.wav') }, separatorModel(loaded), {
      format: 'wav',
      onProgress: (done, total) => progress(total ? done / total : 0),
    });
  } finally {
    await loaded.dispose();
  }
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
  if (output !== 'device' && output !== 'null') throw new StemstreamError('SS_ERR_BAD_OPTION', `--output must be device or null, got "${output}"`);
  // Decoded once: a restart (model, latency, devices) reuses the buffer.
  const buffers = new Map<string, Awaited<ReturnType<typeof loadBufferSource>>>();
  // The transport's waveform overview: one streamed pass over the file, started with its first
  // load and never awaited by the audio path (the UI asks for it with `waveform.get`).
  const overviews = new Map<string, Promise<WaveformPeaks>>();
  const filePathOf = (inp: string): string | null => (inp === 'device' || /^\d+$/.test(inp) ? null : inp === 'demo' ? DEMO_CLIP : inp);
  const overviewOf = (path: string): Promise<WaveformPeaks> => {
    let p = overviews.get(path);
    if (!p) {
      overviews.set(path, (p = filePeaks(path)));
      p.catch((e: unknown) => log(`stemstream: warning: no waveform overview of ${path}: ${(e as Error).message}`));
    }
    return p;
  };
  const sourceFor = async (inp: string): Promise<LiveOptions['source']> => {
    const path = filePathOf(inp);
    if (path === null) return { kind: 'device', inputDevice: inp === 'device' ? args.inputDevice : Number(inp) };
    if (!existsSync(path)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `input not found: ${path} (use --input device, demo or an audio file)`);
    let buf = buffers.get(path);
    if (!buf) buffers.set(path, (buf = await loadBufferSource(path, args.rate)));
    void overviewOf(path);
    return { kind: 'buffer', label: inp === 'demo' ? 'demo' : path, ...buf };
  };
  const startEngine = async (s: EngineSettings): Promise<LiveEngine> => {
    const out = String(s.outputDevice);
    const e = await LiveEngine.start({
      source: await sourceFor(String(s.inputDevice)),
      output: out === 'null' ? { kind: 'null' } : { kind: 'device', outputDevice: /^\d+$/.test(out) ? Number(out) : args.outputDevice },
      api: args.api,
      sampleRate: args.rate,
      bufferFrames: args.buffer,
      outputChannels: args.outputChannels,
      model: s.model,
      device: args.device,
      threads: args.threads,
      hopInterval: args.hopInterval,
      lookahead: args.lookahead,
      latencyMs: s.latencyMs,
    });
    e.on('warning', (m) => log(`stemstream: warning: ${m}`));
    e.on('lost', (m) => log(`stemstream: audio device lost: ${m} (retrying)`));
    e.on('restored', () => log('stemstream: audio device back'));
    return e;
  };
  const presets = new PresetStore();
  const preset = args.preset ? presets.load(args.preset) : null;
  const controller = await EngineController.start(
    startEngine,
    {
      model: preset?.model ?? args.model,
      latencyMs: preset?.latencyMs ?? args.latency ?? 150,
      inputDevice: input === 'device' ? 'device' : input,
      outputDevice: output === 'device' ? 'device' : 'null',
    } as EngineSettings,
    {
      presets,
      mixer: preset?.mixer,
      log,
      waveformOf: async (inp) => {
        const path = filePathOf(String(inp));
        return path === null || !buffers.has(path) ? null : overviewOf(path);
      },
    },
  );
  if (preset) await controller.apply({ type: 'preset.load', name: preset.name }).catch((e: unknown) => log(`stemstream: warning: ${(e as Error).message}`));
  const engine = controller.live as LiveEngine;
  // MIDI: the preset's mappings, else the shipped foot-controller map. No MIDI system is a status line, not an error.
  // Started before the server, so the UI's MIDI page sees it from the first snapshot.
  let midi: MidiController | null = null;
  if (args.midi !== false) {
    const mappings = preset?.midi.mappings ?? [];
    const config = mappings.length > 0 ? parseMidiConfig({ mappings }, `preset ${preset?.name}`) : loadDefaultMidiConfig(args.midiMap ?? 'foot-4-switch');
    midi = new MidiController({ target: controller, config, ...(args.midiBinding === undefined ? {} : { binding: args.midiBinding }) });
    midi.on('warning', (m) => log(`stemstream: midi: ${m}`));
    // Mappings changed in the UI are saved with presets, and preset loads apply theirs.
    controller.midi = midi;
    const status = midi.start();
    if (args.report !== 'json') log(`stemstream: midi: ${status.available ? `${status.inputs.filter((i) => i.state === 'open').length} input(s) open` : status.reason ?? 'not available'}`);
  }
  let server: ControlServer | null = null;
  if (args.server !== false) {
    const files = args.files ?? join(tmpdir(), 'stemstream-offline');
    const offline = new OfflineJobs({
      dir: files,
      maxUploadBytes: (args.maxUploadMb ?? 200) * 1024 * 1024,
      separate: (inp, outDir, progress) => separateToDir(inp, outDir, controller.state().model, args.device, progress),
      onChange: (jobs) => server?.broadcastOffline(jobs),
    });
    server = await ControlServer.start({
      host: controller,
      bind: args.host ?? '127.0.0.1',
      port: args.port ?? DEFAULT_PORT,
      token: args.token,
      uiDir: repoPath('ui', 'dist'),
      allowOrigins: args.allowOrigin,
      offline,
      log,
    });
    log(`stemstream: control surface at ${server.publicUrl()}`);
    // Scripts without a terminal read the URL from stdout; --report json keeps stdout for the report alone.
    if (args.report !== 'json' && !process.stderr.isTTY) process.stdout.write(`stemstream: listening on ${server.publicUrl()}\n`);
  }
  const p = engine.plan;
  if (args.report !== 'json') {
    log(
      `stemstream live: model ${controller.state().model}, ${args.rate} Hz, block ${args.buffer}, K=${p.hopInterval} L=${p.lookahead}, separator delay ${p.latencyMs.toFixed(1)} ms, end to end ${engine.report().latency_ms.toFixed(1)} ms ` +
        `(structural ${p.structuralMs.toFixed(1)} ms, window floor ${p.windowFloorMs.toFixed(1)} ms, inference budget ${p.inferenceBudgetMs.toFixed(1)} ms). Ctrl-C to stop.`,
    );
  }
  // Whichever comes first (Ctrl-C, SIGTERM, --duration) stops; the others are removed so nothing
  // keeps the process alive afterwards.
  let timer: NodeJS.Timeout | undefined;
  let stop = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (args.duration !== undefined) timer = setTimeout(stop, args.duration * 1000);
  }).finally(() => {
    clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });
  const ticker =
    args.report !== 'json' && process.stderr.isTTY
      ? setInterval(() => {
          const live = controller.live;
          if (!live) return;
          const r = live.report();
          process.stderr.write(
            `\r${r.latency_ms.toFixed(0)} ms latency | misses ${r.deadline_misses} | xruns ${r.xruns} | inference ${r.inference_ms_mean.toFixed(1)} ms (RTF ${r.inference_rtf.toFixed(2)}) | CPU ${r.cpu_percent.toFixed(0)}%   `,
          );
        }, 1000)
      : null;
  await done;
  if (ticker) clearInterval(ticker);
  const report = (controller.live ?? engine).report();
  await server?.close();
  controller.midi = null;
  midi?.close();
  await controller.stop();
  return report;
}

export function registerLive(program: Command): void {
  program
    .command('live')
    .description('separate live: audio interface (or a file / the demo clip) in, instrument and rest mixed out')
    .option('-i, --input <device|demo|file>', 'input: the audio interface, the bundled demo clip, or an audio file (looped)', 'auto')
    .option('-o, --output <device|null>', 'output: the audio interface, or null (headless)', 'auto')
    .addOption(new Option('--api <api>', 'audio API (see `stemstream devices`)').choices(['default', 'jack', 'alsa', 'pulse', 'coreaudio', 'wasapi', 'asio', 'ds', 'null']))
    .option('--input-device <id>', 'input device id (see `stemstream devices`)', intOption('--input-device', 0, 1e6))
    .option('--output-device <id>', 'output device id', intOption('--output-device', 0, 1e6))
    .addOption(new Option('-r, --rate <hz>', 'sample rate').choices(['44100', '48000', '96000']).default('48000'))
    .option('-b, --buffer <frames>', 'device buffer (and processing block) in frames, 64–1024', intOption('--buffer', 64, 1024), 256)
    .addOption(new Option('--output-channels <n>', '2: the mix; 4: instrument L/R + rest L/R for a DAW').choices(['2', '4']).default('2'))
    .option('-m, --model <name|dir>', 'model name or package folder', 'guitar')
    .addOption(new Option('-d, --device <device>', 'inference device').choices(['cpu', 'cuda']).default('cpu'))
    .option('-j, --threads <n>', 'inference threads (default: 2, or 1 on a single core)', intOption('--threads', 1, 256))
    .option('-l, --latency <ms>', 'input-to-output delay of the separator in ms (must exceed the window, lookahead and inference time)', numberOption('--latency', 1, 5000), 150)
    .option('--hop-interval <K>', 'run the model every K hops (17.4 ms each)', intOption('--hop-interval', 1, 32))
    .option('--lookahead <L|auto>', 'frames of lookahead in the model window (auto: the most the latency leaves room for, up to 4)', intOrAutoOption('--lookahead', 0, 62), 'auto')
    .option('--duration <s>', 'stop after S seconds (headless runs, tests)', numberOption('--duration', 0.1, 1e7))
    .addOption(new Option('--report <format>', 'print a report when stopping').choices(['json']))
    .option('--no-server', 'do not serve the control surface (UI + WebSocket)')
    .option('--no-midi', 'do not open MIDI controllers')
    .addOption(new Option('--midi-map <name>', "MIDI map when the preset has none").choices(['foot-4-switch', 'sustain-pedal']).default('foot-4-switch'))
    .option('--host <address>', 'interface the control surface binds (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <n>', `control surface port (0: any free port)`, intOption('--port', 0, 65535), DEFAULT_PORT)
    .option('--token <secret>', 'shared secret the UI must present (?token=…); required with --host')
    .option('--preset <name>', 'load a preset at start (see `stemstream presets list`)')
    .option('--files <dir>', 'the only folder the offline page may write (uploads and stems)')
    .option('--max-upload-mb <n>', 'largest offline upload in MiB', intOption('--max-upload-mb', 1, 4096), 200)
    .option('--allow-origin <origin...>', 'extra browser origins allowed to connect (e.g. a Vite dev server)')
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
        hopInterval: (opts.hopInterval as number | undefined) ?? 'auto',
        lookahead: opts.lookahead as number | 'auto',
        duration: opts.duration as number | undefined,
        report: opts.report as 'json' | undefined,
        server: opts.server as boolean,
        midi: opts.midi as boolean,
        midiMap: opts.midiMap as DefaultMidiConfigName,
        host: opts.host as string | undefined,
        port: opts.port as number | undefined,
        token: opts.token as string | undefined,
        preset: opts.preset as string | undefined,
        files: opts.files as string | undefined,
        maxUploadMb: opts.maxUploadMb as number | undefined,
        allowOrigin: opts.allowOrigin as string[] | undefined,
      });
      if (opts.report === 'json') process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stderr.write('\n');
    });
}
