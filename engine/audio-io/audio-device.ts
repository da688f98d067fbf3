import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { AudioRing, startSiblingWorker } from '../realtime/index.js';
import { StemstreamError, type ErrorCode } from '../errors.js';
import { AUDIO_API_NAMES, MAX_BUFFER_FRAMES, MIN_BUFFER_FRAMES, SUPPORTED_SAMPLE_RATES, type AudioApiName, type BackendStreamConfig } from './backend.js';
import { Counter, DeviceState, createCounters, readStats, type DeviceStats } from './device-counters.js';
import type { AudioWorkerData, MainToWorker, WorkerToMain } from './audio-worker.js';

export interface AudioDeviceOptions {
  /** Audio API; 'null' is the headless timer clock. Default 'default' (RtAudio picks). */
  api?: AudioApiName;
  /** Device ids from `stemstream devices`; default devices when omitted. */
  inputDevice?: number;
  outputDevice?: number;
  /** 44100, 48000 or 96000. Default 48000. */
  sampleRate?: number;
  /** Period in frames, 64–1024. Default 256. */
  bufferFrames?: number;
  /** 2 (stereo in) or 0 (output only). Default 2. */
  inputChannels?: 0 | 2;
  /** 2 (stereo), 4 (instrument L/R + rest L/R) or 0 (input only). Default 2. */
  outputChannels?: 0 | 2 | 4;
  /** Capacity of each audio ring in frames. Default max(8192, 16 periods). */
  ringFrames?: number;
  /** Silent blocks queued at start = how late the worker may answer (output latency). Default 3. */
  prefillBlocks?: number;
  /** A lost device is retried this often, ms. Default 1000. */
  retryMs?: number;
  /** No callback for this long = device lost, ms. Default max(1000, 20 periods). */
  stallMs?: number;
  /**
   * Bring your own rings (e.g. made by an engine worker, or preloaded with audio so playback
   * starts with it): their channel counts must match. Made here otherwise.
   */
  inputRing?: AudioRing;
  outputRing?: AudioRing;
  /** JACK client name. Default 'stemstream'. */
  streamName?: string;
  /** JACK: connect to the system ports. Default true. */
  autoConnect?: boolean;
}

export interface AudioDeviceEvents {
  lost: [message: string];
  restored: [info: { bufferFrames: number; attempts: number }];
  warning: [message: string];
  closed: [];
}

/** Time the audio worker gets to run audify's queued callbacks after its stream closed. */
const CLOSE_DRAIN_MS = 100;

/**
 * A duplex / output-only / input-only audio stream run by a worker_thread (main-thread side).
 * The engine reads device input from `input` and writes device output to `output`; both are
 * rings of **interleaved** frames over SharedArrayBuffers (`input.buf`, `output.buf` can be
 * handed to another worker). `counters` (see device-counters.ts) are live. Device loss is
 * reported with 'lost' and the worker keeps retrying; 'restored' when the device is back.
 */
export class AudioDevice extends EventEmitter<AudioDeviceEvents> {
  readonly input: AudioRing | null;
  readonly output: AudioRing | null;
  readonly counters: Float64Array;
  readonly sampleRate: number;
  /** Period in use (the backend may have changed the request). */
  bufferFrames = 0;
  apiName = '';
  private readonly worker: Worker;
  private closing: Promise<void> | null = null;

  private constructor(worker: Worker, input: AudioRing | null, output: AudioRing | null, counters: Float64Array, sampleRate: number) {
    super();
    this.worker = worker;
    this.input = input;
    this.output = output;
    this.counters = counters;
    this.sampleRate = sampleRate;
  }

  /**
   * Open and start a stream. Rejects with StemstreamError: SS_ERR_BAD_OPTION for invalid
   * options, SS_ERR_DEVICE when the device/audio system is unavailable.
   */
  static async open(options: AudioDeviceOptions = {}): Promise<AudioDevice> {
    const config = validate(options);
    const ringFrames = options.ringFrames ?? Math.max(8192, 16 * config.bufferFrames);
    const input = config.inputChannels > 0 ? (options.inputRing ?? AudioRing.create(ringFrames, config.inputChannels)) : null;
    const output = config.outputChannels > 0 ? (options.outputRing ?? AudioRing.create(ringFrames, config.outputChannels)) : null;
    if (input !== null && input.nbChannels !== config.inputChannels) bad(`inputRing has ${input.nbChannels} channels, the stream ${config.inputChannels}`);
    if (output !== null && output.nbChannels !== config.outputChannels) bad(`outputRing has ${output.nbChannels} channels, the stream ${config.outputChannels}`);
    const counters = createCounters();
    const periodMs = (1000 * config.bufferFrames) / config.sampleRate;
    const data: AudioWorkerData = {
      config,
      inputRing: input?.buf ?? null,
      outputRing: output?.buf ?? null,
      counters: counters.buffer as SharedArrayBuffer,
      prefillBlocks: options.prefillBlocks ?? 3,
      slackBlocks: 2,
      retryMs: options.retryMs ?? 1000,
      watchdogMs: Math.max(50, Math.min(250, 4 * periodMs)),
      stallMs: options.stallMs ?? Math.max(1000, 20 * periodMs),
    };
    const worker = startSiblingWorker(import.meta.url, 'audio-worker', { workerData: data });
    const device = new AudioDevice(worker, input, output, counters, config.sampleRate);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number): void => reject(new StemstreamError('SS_ERR_DEVICE', `the audio worker exited (code ${code}) before the stream opened`));
      worker.once('error', (e) => reject(new StemstreamError('SS_ERR_DEVICE', `the audio worker failed: ${e.message}`, { cause: e })));
      worker.once('exit', onExit);
      worker.on('message', (m: WorkerToMain) => {
        switch (m.type) {
          case 'opened':
            device.bufferFrames = m.bufferFrames;
            device.apiName = m.apiName;
            worker.off('exit', onExit);
            resolve();
            break;
          case 'failed':
            void worker.terminate();
            reject(new StemstreamError(m.code as ErrorCode, m.message));
            break;
          case 'lost':
            device.emit('lost', m.message);
            break;
          case 'restored':
            device.bufferFrames = m.bufferFrames;
            device.emit('restored', { bufferFrames: m.bufferFrames, attempts: m.attempts });
            break;
          case 'warning':
            device.emit('warning', m.message);
            break;
          case 'closed':
            device.emit('closed');
            break;
        }
      });
    });
    // after a good open, a dying worker is a lost device too (there is no one left to retry)
    worker.on('error', (e) => device.emitWorkerGone(`the audio worker failed: ${e.message}`));
    worker.on('exit', (code) => device.emitWorkerGone(`the audio worker exited (code ${code})`));
    return device;
  }

  private emitWorkerGone(message: string): void {
    if (this.closing !== null) return;
    this.counters[Counter.STATE] = DeviceState.FAILED;
    this.emit('lost', message);
  }

  stats(): DeviceStats {
    return readStats(this.counters);
  }

  /** Stop the stream and the worker. Idempotent. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        void this.worker.terminate().then(() => resolve());
      };
      // After the stream closed, audify may still have device callbacks queued for the worker's
      // event loop; terminating the worker under them makes N-API throw outside any JS frame,
      // which aborts the whole process. Let them run (they return at once) before terminating.
      const drained = (): void => void setTimeout(done, CLOSE_DRAIN_MS);
      // the worker answers 'closed'; a wedged backend gets terminated after a grace period
      const timer = setTimeout(done, 2000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.once('closed', drained);
      const msg: MainToWorker = { type: 'close' };
      this.worker.postMessage(msg);
    });
    return this.closing;
  }
}

function validate(o: AudioDeviceOptions): BackendStreamConfig {
  const api = o.api ?? 'default';
  if (api !== 'null' && !(api in AUDIO_API_NAMES)) bad(`unknown audio API "${api}"; use one of: ${[...Object.keys(AUDIO_API_NAMES), 'null'].join(', ')}`);
  const sampleRate = o.sampleRate ?? 48000;
  if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(sampleRate)) bad(`sample rate ${sampleRate} Hz is not supported; use ${SUPPORTED_SAMPLE_RATES.join(', ')}`);
  const bufferFrames = o.bufferFrames ?? 256;
  if (!Number.isInteger(bufferFrames) || bufferFrames < MIN_BUFFER_FRAMES || bufferFrames > MAX_BUFFER_FRAMES) bad(`buffer size ${bufferFrames} frames is out of range ${MIN_BUFFER_FRAMES}–${MAX_BUFFER_FRAMES}`);
  const inputChannels = o.inputChannels ?? 2;
  const outputChannels = o.outputChannels ?? 2;
  if (inputChannels !== 0 && inputChannels !== 2) bad(`inputChannels must be 0 or 2, got ${String(inputChannels)}`);
  if (outputChannels !== 0 && outputChannels !== 2 && outputChannels !== 4) bad(`outputChannels must be 0, 2 or 4, got ${String(outputChannels)}`);
  if (inputChannels === 0 && outputChannels === 0) bad('a stream needs input or output channels');
  if (o.ringFrames !== undefined && !(o.ringFrames >= 2 * bufferFrames)) bad(`ringFrames must hold at least two periods (${2 * bufferFrames} frames)`);
  return {
    api,
    ...(o.inputDevice !== undefined ? { inputDevice: o.inputDevice } : {}),
    ...(o.outputDevice !== undefined ? { outputDevice: o.outputDevice } : {}),
    sampleRate,
    bufferFrames,
    inputChannels,
    outputChannels,
    streamName: o.streamName ?? 'stemstream',
    autoConnect: o.autoConnect ?? true,
  };
}

function bad(message: string): never {
  throw new StemstreamError('SS_ERR_BAD_OPTION', message);
}
