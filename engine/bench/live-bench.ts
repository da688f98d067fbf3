/**
 * Live benchmark (`npm run bench` calls `runLiveBench`; standalone:
 *   node dist/engine/bench/live-bench.js --models dirA,dirB [--latencies 100,150,250] [--seconds 60]
 *     [--lookahead auto|L] [--hop-interval auto|K] [--threads 1] [--buffer 256] [--prefill 3] [--dsp-queue 2] [--jack] [--dataset DIR --eval-seconds 30 --tracks 3]):
 * for each model and separator latency, runs the live engine headless (demo clip in, null output)
 * for N seconds and reports inference time and RTF, end-to-end latency, CPU and deadline misses;
 * with a dataset, also the median SDR of the streaming algorithm (same K, L, latency) next to the
 * offline separator's on the same tracks.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describeError } from '../errors.js';
import { JackServer } from '../audio-io/jack-server.js';
import { LiveEngine, loadBufferSource } from '../live/index.js';
import { loadModel } from '../model/index.js';
import { repoPath } from '../paths.js';
import { separateChannels, separatorModel } from '../separator/index.js';
import { StreamingFileProcessor } from '../streaming/index.js';
import { evaluateDataset } from '../../training/eval/index.js';

export interface LiveBenchOptions {
  models: string[];
  /** Separator latencies to try, ms. */
  latenciesMs: number[];
  seconds: number;
  lookahead: number | 'auto';
  hopInterval: number | 'auto';
  threads?: number;
  sampleRate?: number;
  bufferFrames?: number;
  dataset?: string;
  evalSeconds?: number;
  tracks?: number;
  /**
   * Run through a real audio API: a JACK server with the dummy driver (started here), the engine's
   * ports connected to system capture/playback, so the end-to-end latency is counted exactly
   * (device periods included), not estimated as with the demo clip and the null output.
   */
  jack?: boolean;
  /** Device output blocks queued at start (LiveOptions.prefillBlocks). */
  prefillBlocks?: number;
  /** Blocks the DSP keeps queued ahead of the device (default: the engine's). */
  dspQueueBlocks?: number;
  log?: (line: string) => void;
}

export interface LiveBenchRow {
  model: string;
  latencyMs: number;
  ok: boolean;
  error?: string;
  hopInterval?: number;
  lookahead?: number;
  endToEndMs?: number;
  windowFloorMs?: number;
  inferenceMsMean?: number;
  inferenceMsMax?: number;
  inferenceRtf?: number;
  cpuPercent?: number;
  deadlineMisses?: number;
  requests?: number;
  xruns?: number;
  dspMsMax?: number;
  /** 'exact' (device input) or 'estimate' (demo clip). */
  latencyKind?: string;
  sdrStreaming?: number;
  sdrOffline?: number;
}

/** Runs every (model, latency) pair in turn; never throws for one failed pair (its row says why). */
export async function runLiveBench(o: LiveBenchOptions): Promise<LiveBenchRow[]> {
  const log = o.log ?? ((l: string) => void process.stderr.write(`${l}\n`));
  const sampleRate = o.sampleRate ?? 48000;
  const demo = await loadBufferSource(repoPath('engine', 'live', 'assets', 'demo-song.flac'), sampleRate);
  const rows: LiveBenchRow[] = [];
  const jack = o.jack ? new JackServer({ sampleRate, periodFrames: o.bufferFrames ?? 256, name: 'stemstream-bench' }) : null;
  await jack?.start();
  try {
    await benchRows(o, sampleRate, demo, jack !== null, rows, log);
  } finally {
    await jack?.stop();
  }
  return rows;
}

async function benchRows(o: LiveBenchOptions, sampleRate: number, demo: Awaited<ReturnType<typeof loadBufferSource>>, jack: boolean, rows: LiveBenchRow[], log: (line: string) => void): Promise<void> {
  for (const model of o.models) {
    for (const latencyMs of o.latenciesMs) {
      log(`live bench: ${model} at ${latencyMs} ms for ${o.seconds} s …`);
      const row: LiveBenchRow = { model, latencyMs, ok: false };
      try {
        const engine = await LiveEngine.start({
          ...(jack
            ? { source: { kind: 'device' }, output: { kind: 'device' }, api: 'jack', streamName: 'ssbench', autoConnect: true }
            : { source: { kind: 'buffer', label: 'demo', ...demo }, output: { kind: 'null' } }),
          sampleRate,
          bufferFrames: o.bufferFrames ?? 256,
          outputChannels: 2,
          model,
          threads: o.threads,
          hopInterval: o.hopInterval,
          lookahead: o.lookahead,
          latencyMs,
          ...(o.prefillBlocks !== undefined ? { prefillBlocks: o.prefillBlocks } : {}),
          ...(o.dspQueueBlocks !== undefined ? { dspQueueBlocks: o.dspQueueBlocks } : {}),
        });
        await new Promise((r) => setTimeout(r, 2000)); // warm-up, not counted
        engine.resetCounters();
        const requestsAtStart = engine.statsView[2];
        const missesAtStart = engine.report().deadline_misses;
        await new Promise((r) => setTimeout(r, o.seconds * 1000));
        const r = engine.report();
        await engine.stop();
        Object.assign(row, {
          ok: true,
          hopInterval: r.hop_interval,
          lookahead: r.lookahead,
          endToEndMs: r.latency_ms,
          windowFloorMs: r.window_floor_ms,
          inferenceMsMean: r.inference_ms_mean,
          inferenceMsMax: r.inference_ms_max,
          inferenceRtf: r.inference_rtf,
          cpuPercent: r.cpu_percent,
          deadlineMisses: r.deadline_misses - missesAtStart,
          requests: engine.statsView[2] - requestsAtStart,
          xruns: r.xruns,
          dspMsMax: r.dsp_ms_max,
          latencyKind: r.latency_kind,
        });
        if (o.dataset !== undefined) Object.assign(row, await streamingVsOffline(model, o, latencyMs, r.hop_interval, r.lookahead, sampleRate));
      } catch (e) {
        row.error = describeError(e);
      }
      rows.push(row);
    }
  }
}

/** Median instrument SDR (BSS-eval) of the streaming algorithm and of the offline separator. */
async function streamingVsOffline(modelDir: string, o: LiveBenchOptions, latencyMs: number, K: number, L: number, sampleRate: number): Promise<Pick<LiveBenchRow, 'sdrStreaming' | 'sdrOffline'>> {
  const model = await loadModel(modelDir, { threads: o.threads ?? 2 });
  try {
    const sm = separatorModel(model);
    const common = { maxSeconds: o.evalSeconds ?? 30, maxTracks: o.tracks ?? 3, oracle: false, computePermutation: false } as const;
    const offline = await evaluateDataset(o.dataset as string, { ...common, separator: (mix, rate) => separateChannels(mix, rate, sm) });
    const streaming = await evaluateDataset(o.dataset as string, {
      ...common,
      separator: (mix, rate) =>
        separateChannels(mix, rate, sm, {
          blockFrames: o.bufferFrames ?? 256,
          processor: (m, r, nb, sink) =>
            StreamingFileProcessor.create(m, r, nb, sink, { blockFrames: o.bufferFrames ?? 256, hopInterval: K, lookahead: L, latencyMs }),
        }),
    });
    return { sdrStreaming: streaming.median.model.instrument.sdr, sdrOffline: offline.median.model.instrument.sdr };
  } finally {
    await model.dispose();
  }
}

const f = (v: number | undefined, d = 1): string => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));

/** The table printed by the bench. */
export function formatLiveBench(rows: readonly LiveBenchRow[]): string {
  const head = 'model                          sep ms  K  L  end-to-end ms  floor ms  infer ms (max)   RTF   CPU %  misses/requests  xruns  DSP ms max  SDR stream / offline';
  const lines = rows.map((r) =>
    !r.ok
      ? `${r.model.padEnd(30)} ${String(r.latencyMs).padStart(6)}  failed: ${r.error}`
      : `${r.model.slice(-30).padEnd(30)} ${String(r.latencyMs).padStart(6)} ${String(r.hopInterval).padStart(2)} ${String(r.lookahead).padStart(2)}  ${`${f(r.endToEndMs)}${r.latencyKind === 'exact' ? '' : '~'}`.padStart(13)}  ${f(r.windowFloorMs).padStart(8)}  ${`${f(r.inferenceMsMean)} (${f(r.inferenceMsMax, 0)})`.padStart(14)}  ${f(r.inferenceRtf, 2).padStart(5)}  ${f(r.cpuPercent, 0).padStart(5)}  ${`${r.deadlineMisses}/${r.requests}`.padStart(15)}  ${String(r.xruns).padStart(5)}  ${f(r.dspMsMax, 2).padStart(10)}  ${f(r.sdrStreaming, 2)} / ${f(r.sdrOffline, 2)}`,
  );
  const note = rows.some((r) => r.ok && r.latencyKind !== 'exact') ? '~ end to end estimated from the queues (demo clip → null output); unmarked: counted exactly through JACK\n' : '';
  return `${head}\n${lines.join('\n')}\n${note}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: repoPath('engine', 'model', 'fixtures', 'small') },
      latencies: { type: 'string', default: '100,150,250' },
      seconds: { type: 'string', default: '60' },
      lookahead: { type: 'string', default: 'auto' },
      'hop-interval': { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      dataset: { type: 'string' },
      'eval-seconds': { type: 'string', default: '30' },
      tracks: { type: 'string', default: '3' },
      buffer: { type: 'string', default: '256' },
      jack: { type: 'boolean', default: false },
      prefill: { type: 'string' },
      'dsp-queue': { type: 'string' },
    },
  });
  const rows = await runLiveBench({
    models: String(values.models).split(','),
    latenciesMs: String(values.latencies).split(',').map(Number),
    seconds: Number(values.seconds),
    lookahead: values.lookahead === 'auto' ? 'auto' : Number(values.lookahead),
    hopInterval: values['hop-interval'] === 'auto' ? 'auto' : Number(values['hop-interval']),
    threads: values.threads === undefined ? undefined : Number(values.threads),
    dataset: values.dataset,
    evalSeconds: Number(values['eval-seconds']),
    tracks: Number(values.tracks),
    bufferFrames: Number(values.buffer),
    jack: values.jack,
    prefillBlocks: values.prefill === undefined ? undefined : Number(values.prefill),
    dspQueueBlocks: values['dsp-queue'] === undefined ? undefined : Number(values['dsp-queue']),
  });
  process.stdout.write(formatLiveBench(rows));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
