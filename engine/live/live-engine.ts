import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { readAudio } from '../audio-file/index.js';
import { AudioDevice, type AudioApiName, type DeviceStats } from '../audio-io/index.js';
import { StemstreamError, type ErrorCode } from '../errors.js';
import { METER_COUNT, defaultMixerState, diffMixerState, type MixerState } from '../mixer/index.js';
import { resolveModelDir, type InferenceDevice } from '../model/index.js';
import { AudioRing, ParamRing, startSiblingWorker } from '../realtime/index.js';
import type { StreamingPlan } from '../streaming/index.js';
import { LIVE_STAT_COUNT, LiveStat, type DspWorkerData, type LiveSource } from './live-shared.js';

export interface LiveOptions {
  /** 'device' (audio interface input), or a decoded buffer played in a loop (file or demo clip). */
  source: { kind: 'device'; inputDevice?: number } | { kind: 'buffer'; label: string; sampleRate: number; channels: Float32Array[] };
  /** 'null' is the headless clock (no sound card needed). */
  output: { kind: 'device'; outputDevice?: number } | { kind: 'null' };
  api?: AudioApiName;
  sampleRate: number;
  bufferFrames: number;
  outputChannels: 2 | 4;
  model: string;
  device?: InferenceDevice;
  threads?: number;
  hopInterval: number;
  lookahead: number;
  latencyMs?: number;
}

/** The `--report json` contract (external checks read these keys). */
export interface LiveReport {
  latency_ms: number;
  separator_latency_ms: number;
  structural_latency_ms: number;
  window_floor_ms: number;
  deadline_misses: number;
  xruns: number;
  inference_rtf: number;
  inference_ms_mean: number;
  inference_ms_max: number;
  cpu_percent: number;
  cores: number;
  duration_s: number;
  hop_interval: number;
  lookahead: number;
  sample_rate: number;
  buffer_frames: number;
  model: string;
  input: string;
  output: string;
  underflow_frames: number;
  device_state: string;
}

export interface LiveEngineEvents {
  warning: [message: string];
  lost: [message: string];
  restored: [];
}

/**
 * The running live engine (control thread side): owns the audio device, the DSP worker and the
 * parameter/meter/stat shared memory. The control thread describes the desired mixer state;
 * `setMixer` reconciles it into parameter changes on the ring (only what changed).
 */
export class LiveEngine extends EventEmitter<LiveEngineEvents> {
  readonly meters: Float32Array;
  readonly plan: StreamingPlan;
  private readonly stats: Float64Array;
  private mixerState: MixerState = defaultMixerState();
  private readonly startedAt = performance.now();
  private readonly cpuAtStart = process.cpuUsage();
  private deviceAtStart: DeviceStats;
  private closed = false;

  private constructor(
    private readonly options: LiveOptions,
    private readonly audio: AudioDevice,
    private readonly dsp: Worker,
    private readonly params: ParamRing,
    meters: SharedArrayBuffer,
    stats: SharedArrayBuffer,
    plan: StreamingPlan,
  ) {
    super();
    this.meters = new Float32Array(meters);
    this.stats = new Float64Array(stats);
    this.plan = plan;
    this.deviceAtStart = audio.stats();
    audio.on('lost', (m) => this.emit('lost', m));
    audio.on('restored', () => this.emit('restored'));
    audio.on('warning', (m) => this.emit('warning', m));
  }

  static async start(options: LiveOptions): Promise<LiveEngine> {
    const modelDir = resolveModelDir(options.model);
    const B = options.bufferFrames;
    const ringFrames = Math.max(8192, 16 * B);
    const inputRing = options.source.kind === 'device' ? AudioRing.create(ringFrames, 2) : null;
    const outputRing = AudioRing.create(ringFrames, options.outputChannels);
    const params = ParamRing.create(1024);
    const meters = new SharedArrayBuffer(METER_COUNT * 4);
    const stats = new SharedArrayBuffer(LIVE_STAT_COUNT * 8);
    let source: LiveSource = { kind: 'device' };
    if (options.source.kind === 'buffer') {
      const { channels, sampleRate } = options.source;
      if (sampleRate !== options.sampleRate) {
        throw new StemstreamError('SS_ERR_INTERNAL', `buffer source at ${sampleRate} Hz given to an engine at ${options.sampleRate} Hz`);
      }
      source = { kind: 'buffer', sampleRate, channels };
    }
    const data: DspWorkerData = {
      modelDir,
      device: options.device ?? 'cpu',
      threads: options.threads ?? Math.max(1, availableParallelism() - 1),
      sampleRate: options.sampleRate,
      blockFrames: B,
      hopInterval: options.hopInterval,
      lookahead: options.lookahead,
      latencyMs: options.latencyMs,
      outputChannels: options.outputChannels,
      source,
      inputRing: inputRing?.buf ?? null,
      outputRing: outputRing.buf,
      paramRing: params.buf,
      meters,
      stats,
      targetQueueFrames: 3 * B,
    };
    const dsp = startSiblingWorker(import.meta.url, 'dsp-worker', { workerData: data });
    const plan = await new Promise<StreamingPlan>((resolve, reject) => {
      dsp.once('error', (e) => reject(new StemstreamError('SS_ERR_INTERNAL', `DSP worker failed: ${e.message}`, { cause: e })));
      dsp.once('message', (m: { type: string; plan?: StreamingPlan; message?: string; code?: string }) => {
        if (m.type === 'ready' && m.plan) resolve(m.plan);
        else reject(new StemstreamError((m.code as ErrorCode) ?? 'SS_ERR_INTERNAL', m.message ?? `DSP worker: ${m.type}`));
      });
    });
    let audio: AudioDevice;
    try {
      audio = await AudioDevice.open({
        api: options.output.kind === 'null' ? 'null' : options.api,
        inputDevice: options.source.kind === 'device' ? options.source.inputDevice : undefined,
        outputDevice: options.output.kind === 'device' ? options.output.outputDevice : undefined,
        sampleRate: options.sampleRate,
        bufferFrames: B,
        inputChannels: options.source.kind === 'device' ? 2 : 0,
        outputChannels: options.outputChannels,
        inputRing: inputRing ?? undefined,
        outputRing,
      });
    } catch (e) {
      dsp.postMessage({ type: 'stop' });
      await dsp.terminate();
      throw e;
    }
    const engine = new LiveEngine(options, audio, dsp, params, meters, stats, plan);
    engine.setMixer(engine.mixerState, true);
    return engine;
  }

  /** Desired mixer state (gains, mute, solo, master, bypass); only the differences are sent. */
  setMixer(next: MixerState, full = false): void {
    const { refused } = diffMixerState(full ? undefined : this.mixerState, next, (id, v) => this.params.enqueue(id, v));
    if (refused > 0) this.emit('warning', `${refused} mixer changes did not fit the parameter ring; they will be resent`);
    else this.mixerState = structuredClone(next);
  }

  get mixer(): MixerState {
    return structuredClone(this.mixerState);
  }

  /** Counters since start: latency, misses, xruns, CPU. */
  report(): LiveReport {
    const s = this.stats;
    const dev = this.audio.stats();
    const wall = (performance.now() - this.startedAt) / 1000;
    const cpu = process.cpuUsage(this.cpuAtStart);
    const rate = this.options.sampleRate;
    const B = this.audio.bufferFrames || this.options.bufferFrames;
    // Input to output: the separator's fixed delay, the output queue the DSP keeps ahead of
    // the device, and the device period in which a captured block is processed and played.
    const latencyFrames = s[LiveStat.SEPARATOR_LATENCY_FRAMES] + s[LiveStat.OUTPUT_QUEUE_MEAN] + B;
    const xrunFrames = dev.underflowFrames - this.deviceAtStart.underflowFrames + dev.overflowFrames - this.deviceAtStart.overflowFrames;
    const hopMs = (1000 * 384) / 22050;
    return {
      latency_ms: (1000 * latencyFrames) / rate,
      separator_latency_ms: this.plan.latencyMs,
      structural_latency_ms: this.plan.structuralMs,
      window_floor_ms: this.plan.windowFloorMs,
      deadline_misses: s[LiveStat.DEADLINE_MISSES],
      xruns: Math.ceil(xrunFrames / B),
      // Inference time per request over the audio time a request stands for (K hops).
      inference_rtf: s[LiveStat.INFERENCE_MS_MEAN] / (this.plan.hopInterval * hopMs),
      inference_ms_mean: s[LiveStat.INFERENCE_MS_MEAN],
      inference_ms_max: s[LiveStat.INFERENCE_MS_MAX],
      cpu_percent: (100 * (cpu.user + cpu.system)) / 1e6 / wall,
      cores: availableParallelism(),
      duration_s: wall,
      hop_interval: this.plan.hopInterval,
      lookahead: this.plan.lookahead,
      sample_rate: rate,
      buffer_frames: B,
      model: this.options.model,
      input: this.options.source.kind === 'device' ? 'device' : this.options.source.label,
      output: this.options.output.kind,
      underflow_frames: s[LiveStat.UNDERFLOW_FRAMES],
      device_state: dev.state,
    };
  }

  /** Restart the counters that the report reads (e.g. after warm-up). */
  resetCounters(): void {
    this.deviceAtStart = this.audio.stats();
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.audio.close();
    this.dsp.postMessage({ type: 'stop' });
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => void this.dsp.terminate().then(() => resolve()), 3000);
      this.dsp.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

/** Decodes a file (or the demo clip) and resamples it to the engine rate, for a buffer source. */
export async function loadBufferSource(path: string, sampleRate: number): Promise<{ sampleRate: number; channels: Float32Array[] }> {
  const { channels, sampleRate: rate } = await readAudio(path);
  const { resample } = await import('../dsp/index.js');
  const stereo = channels.length === 1 ? [channels[0], channels[0]] : channels.slice(0, 2);
  return { sampleRate, channels: rate === sampleRate ? stereo : await resample(stereo, rate, sampleRate) };
}
