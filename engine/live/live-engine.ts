import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { readAudio } from '../audio-file/index.js';
import { resample } from '../dsp/index.js';
import { AudioDevice, type AudioApiName, type DeviceStats } from '../audio-io/index.js';
import { StemstreamError, type ErrorCode } from '../errors.js';
import { METER_COUNT, defaultMixerState, diffMixerState, type MixerState } from '../mixer/index.js';
import { resolveModelDir, type InferenceDevice } from '../model/index.js';
import { AudioRing, ParamRing, startSiblingWorker } from '../realtime/index.js';
import type { TransportState } from '../control/control-target.js';
import type { StreamingPlan } from '../streaming/index.js';
import { TransportCommand } from './file-transport.js';
import { LIVE_STAT_COUNT, LiveStat, type DspWorkerData, type LiveSource } from './live-shared.js';
import { spectrumBufferBytes } from './spectrum-tap.js';

/** Device output blocks queued at start (see LiveOptions). */
const DEFAULT_PREFILL_BLOCKS = 3;
/**
 * How long the DSP thread may be late before the device plays a dropout. Its worst block took
 * 3.4–6.7 ms at 64-frame buffers on the 2-core machine (preempted, not computing: a 256-frame
 * block takes 0.24 ms on average), so a queue counted in blocks was too short for small buffers.
 */
const DSP_QUEUE_MS = 8;

/** Blocks the DSP keeps ahead of a device input by default: DSP_QUEUE_MS, and at least 2. */
export function defaultDspQueueBlocks(bufferFrames: number, sampleRate: number): number {
  return Math.max(2, Math.ceil((DSP_QUEUE_MS * sampleRate) / 1000 / bufferFrames - 1e-9));
}

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
  /** K, or 'auto': the smallest K that keeps up with the measured inference with margin and leaves its deadline at this latency twice the inference (see chooseHopInterval). */
  hopInterval: number | 'auto';
  /** L, or 'auto': the largest L (up to 4) whose inference budget holds twice the measured inference (see chooseLookahead). */
  lookahead: number | 'auto';
  latencyMs?: number;
  /** Output blocks queued to the device at start: how long the audio worker may stall. Default 3. */
  prefillBlocks?: number;
  /**
   * Device input: silent blocks the DSP queues ahead of the device at start, i.e. how long the
   * DSP thread may stall (GC, a busy core) before the device plays a dropout. Default: 8 ms
   * worth, at least 2 (defaultDspQueueBlocks).
   */
  dspQueueBlocks?: number;
  /** Fade length of transport pause/seek/loop in ms. Default 10. */
  transportRampMs?: number;
  /**
   * Optional tap of the engine output (what is sent to the device, `outputChannels` channels,
   * interleaved ring): for tests and analysis. Frames that do not fit are dropped.
   */
  capture?: AudioRing;
  /** JACK client name (default 'stemstream') and whether to connect to the system ports (default true). */
  streamName?: string;
  autoConnect?: boolean;
}

/** LiveOptions with the queue defaults filled in (LiveEngine.start). */
type ResolvedLiveOptions = LiveOptions & { prefillBlocks: number; dspQueueBlocks: number };

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
  /** DSP thread time per block (resampling, STFT, mask, ISTFT, mixer), mean and worst. */
  dsp_ms_mean: number;
  dsp_ms_max: number;
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
  /** Inference ms measured at start-up (after warm-up), and how K was chosen. */
  startup_inference_ms: number;
  hop_interval_choice: 'given' | 'auto';
  lookahead_choice: 'given' | 'auto';
  /** 'exact' for a device input (counted frames), 'estimate' for a file/demo source. */
  latency_kind: 'exact' | 'estimate';
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
  /** The display spectrum the DSP publishes (read it with SpectrumView). */
  spectrum: SharedArrayBuffer | null = null;
  private readonly stats: Float64Array;
  private readonly transportParams: ParamRing;
  private mixerState: MixerState = defaultMixerState();
  private readonly startedAt = performance.now();
  private readonly cpuAtStart = process.cpuUsage();
  private deviceAtStart: DeviceStats;
  private closed = false;

  private constructor(
    private readonly options: ResolvedLiveOptions,
    private readonly audio: AudioDevice,
    private readonly dsp: Worker,
    private readonly params: ParamRing,
    transportParams: ParamRing,
    meters: SharedArrayBuffer,
    stats: SharedArrayBuffer,
    plan: StreamingPlan,
    private readonly startupInferenceMs: number,
  ) {
    super();
    this.transportParams = transportParams;
    this.meters = new Float32Array(meters);
    this.stats = new Float64Array(stats);
    this.plan = plan;
    this.deviceAtStart = audio.stats();
    audio.on('lost', (m) => this.emit('lost', m));
    audio.on('restored', () => this.emit('restored'));
    audio.on('warning', (m) => this.emit('warning', m));
  }

  static async start(given: LiveOptions): Promise<LiveEngine> {
    const B = given.bufferFrames;
    // the queue defaults, resolved once: the latency accounting reads the same numbers
    const options: ResolvedLiveOptions = {
      ...given,
      prefillBlocks: given.prefillBlocks ?? DEFAULT_PREFILL_BLOCKS,
      dspQueueBlocks: given.dspQueueBlocks ?? defaultDspQueueBlocks(B, given.sampleRate),
    };
    const modelDir = resolveModelDir(options.model);
    const ringFrames = Math.max(8192, 16 * B);
    const inputRing = options.source.kind === 'device' ? AudioRing.create(ringFrames, 2) : null;
    const outputRing = AudioRing.create(ringFrames, options.outputChannels);
    const params = ParamRing.create(1024);
    const transportParams = ParamRing.create(256);
    if (options.capture !== undefined && options.capture.nbChannels !== options.outputChannels) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `capture ring has ${options.capture.nbChannels} channels, the output ${options.outputChannels}`);
    }
    if (options.hopInterval !== 'auto' && !(Number.isInteger(options.hopInterval) && options.hopInterval >= 1)) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `hop interval must be a positive integer or 'auto', got ${String(options.hopInterval)}`);
    }    const meters = new SharedArrayBuffer(METER_COUNT * 4);
    const stats = new SharedArrayBuffer(LIVE_STAT_COUNT * 8);
    const spectrum = new SharedArrayBuffer(spectrumBufferBytes());
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
      threads: options.threads ?? Math.min(2, availableParallelism()),
      sampleRate: options.sampleRate,
      blockFrames: B,
      hopInterval: options.hopInterval === 'auto' ? 0 : options.hopInterval,
      lookahead: options.lookahead === 'auto' ? -1 : options.lookahead,
      latencyMs: options.latencyMs,
      outputChannels: options.outputChannels,
      source,
      inputRing: inputRing?.buf ?? null,
      outputRing: outputRing.buf,
      paramRing: params.buf,
      transportRing: transportParams.buf,
      captureRing: options.capture?.buf ?? null,
      transportRampFrames: Math.round(((options.transportRampMs ?? 10) * options.sampleRate) / 1000),
      meters,
      stats,
      targetQueueFrames: 3 * B,
      dspQueueBlocks: options.dspQueueBlocks,
      spectrum,
    };
    const dsp = startSiblingWorker(import.meta.url, 'dsp-worker', { workerData: data });
    const { plan, startupInferenceMs } = await new Promise<{ plan: StreamingPlan; startupInferenceMs: number }>((resolve, reject) => {
      const onExit = (code: number) => reject(new StemstreamError('SS_ERR_INTERNAL', `DSP worker exited (code ${code}) before it was ready`));
      dsp.once('error', (e) => reject(new StemstreamError('SS_ERR_INTERNAL', `DSP worker failed: ${e.message}`, { cause: e })));
      dsp.once('exit', onExit);
      dsp.once('message', (m: { type: string; plan?: StreamingPlan; startupInferenceMs?: number; message?: string; code?: string }) => {
        dsp.off('exit', onExit);
        if (m.type === 'ready' && m.plan) resolve({ plan: m.plan, startupInferenceMs: m.startupInferenceMs ?? 0 });
        else reject(new StemstreamError((m.code as ErrorCode) ?? 'SS_ERR_INTERNAL', m.message ?? `DSP worker: ${m.type}`));
      });
    }).catch(async (e: unknown) => {
      await dsp.terminate();
      throw e;
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
        prefillBlocks: options.prefillBlocks,
        ...(options.streamName !== undefined ? { streamName: options.streamName } : {}),
        ...(options.autoConnect !== undefined ? { autoConnect: options.autoConnect } : {}),
      });
    } catch (e) {
      dsp.postMessage({ type: 'stop' });
      await dsp.terminate();
      throw e;
    }
    const engine = new LiveEngine(options, audio, dsp, params, transportParams, meters, stats, plan, startupInferenceMs);
    engine.spectrum = spectrum;
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
    const latencyFrames = this.latencyFrames();
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
      dsp_ms_mean: s[LiveStat.BLOCKS] > 0 ? s[LiveStat.DSP_MS_TOTAL] / s[LiveStat.BLOCKS] : 0,
      dsp_ms_max: s[LiveStat.DSP_MS_MAX],
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
      startup_inference_ms: this.startupInferenceMs,
      hop_interval_choice: this.options.hopInterval === 'auto' ? 'auto' : 'given',
      lookahead_choice: this.options.lookahead === 'auto' ? 'auto' : 'given',
      latency_kind: this.options.source.kind === 'device' ? 'exact' : 'estimate',
    };
  }

  /**
   * Input-to-output delay in device frames, now.
   * Device input (exact, by counting frames): a frame captured as device input n is played as
   * device output n + latency, where latency = two device periods (capture, playback) +
   * separator delay D + the P prefill blocks queued
   * before the stream started + the Q blocks the DSP queued ahead + every output frame the engine had to fill with silence
   * (including the first period, before the DSP had any block) + every period the device played
   * silence − output blocks dropped to pull latency back − input frames lost on a full ring −
   * output frames the DSP could not queue. No averaging: each term is a counted event.
   * File/demo source (estimate): D + mean output-ring level at queue time + the P queued blocks.
   */
  latencyFrames(): number {
    const s = this.stats;
    const dev = this.audio.stats();
    const B = dev.bufferFrames || this.options.bufferFrames;
    const P = this.options.prefillBlocks;
    const Q = this.options.dspQueueBlocks;
    const D = s[LiveStat.SEPARATOR_LATENCY_FRAMES];
    if (this.options.source.kind === 'device') {
      // Plus the device's own I/O: a period to capture a block and a period to play it out.
      const deviceIo = 2 * B;
      return deviceIo + D + (P + Q) * B + dev.underflowFrames - dev.trimmedFrames + dev.deviceSilentBlocks * B - dev.droppedOutputBlocks * B - dev.overflowFrames - s[LiveStat.OUTPUT_OVERRUN_FRAMES];
    }
    return D + s[LiveStat.OUTPUT_QUEUE_MEAN] + P * B;
  }

  /** Counters of the audio device (frames in/out, underflows, silent periods…). */
  deviceStats(): DeviceStats {
    return this.audio.stats();
  }

  /** Raw DSP stats (LiveStat indices), read-only view for tests and tools. */
  get statsView(): Float64Array {
    return this.stats;
  }

  /** Transport of a file/demo source; `available: false` for a device input. */
  transport(): TransportState {
    const s = this.stats;
    const rate = this.options.sampleRate;
    if (this.options.source.kind !== 'buffer') {
      return { available: false, playing: true, positionS: 0, durationS: 0, loop: { on: false, startS: 0, endS: 0 } };
    }
    return {
      available: true,
      playing: s[LiveStat.PLAYING] === 1,
      positionS: s[LiveStat.POSITION] / rate,
      durationS: s[LiveStat.DURATION_FRAMES] / rate,
      loop: { on: s[LiveStat.LOOP_ON] === 1, startS: s[LiveStat.LOOP_START_FRAMES] / rate, endS: s[LiveStat.LOOP_END_FRAMES] / rate },
    };
  }

  /** Play (true) or pause (false) a file/demo source; pausing fades to silence in the ramp time. */
  play(on: boolean): void {
    this.sendTransport(TransportCommand.PLAY, on ? 1 : 0);
  }

  /** Jump to `seconds` (clamped to the file), with a fade out and in. */
  seek(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new StemstreamError('SS_ERR_BAD_OPTION', `seek position must be a number of seconds, got ${seconds}`);
    this.sendTransport(TransportCommand.SEEK, Math.round(Math.max(0, seconds) * this.options.sampleRate));
  }

  /**
   * Loop A–B on or off. Without start/end the current loop points are kept (the whole file at
   * first). The loop must be longer than 0 and inside the file.
   */
  setLoop(on: boolean, startS?: number, endS?: number): void {
    const t = this.transport();
    const a = startS ?? t.loop.startS;
    const b = endS ?? t.loop.endS;
    if (on && !(Number.isFinite(a) && Number.isFinite(b) && a >= 0 && b > a && a < t.durationS)) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `loop must satisfy 0 ≤ start < end and start < ${t.durationS.toFixed(3)} s, got ${a}–${b} s`);
    }
    const rate = this.options.sampleRate;
    if (startS !== undefined || endS !== undefined) {
      this.sendTransport(TransportCommand.LOOP_START, Math.round(a * rate));
      this.sendTransport(TransportCommand.LOOP_END, Math.round(Math.min(b, t.durationS) * rate));
    }
    this.sendTransport(TransportCommand.LOOP_ON, on ? 1 : 0);
  }

  private sendTransport(id: number, value: number): void {
    if (this.options.source.kind !== 'buffer') throw new StemstreamError('SS_ERR_BAD_OPTION', 'the input is a live device: there is no transport to control');
    if (!this.transportParams.enqueue(id, value)) throw new StemstreamError('SS_ERR_INTERNAL', 'transport command queue is full (the DSP thread is not running)');
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
  const stereo = channels.length === 1 ? [channels[0], channels[0]] : channels.slice(0, 2);
  return { sampleRate, channels: rate === sampleRate ? stereo : await resample(stereo, rate, sampleRate) };
}
