import { describeError } from '../errors.js';
import type { AudioBackend, BackendStream, BackendStreamConfig } from './backend.js';
import { Counter, DeviceState } from './device-counters.js';
import type { StreamPump } from './stream-pump.js';

/** Timers, injectable so tests can drive the supervisor without waiting. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Events the supervisor reports (the worker forwards them to the main thread). */
export type DeviceEvent =
  | { type: 'opened'; bufferFrames: number; apiName: string }
  | { type: 'warning'; message: string }
  | { type: 'lost'; message: string }
  | { type: 'restored'; bufferFrames: number; attempts: number }
  | { type: 'closed' };

export interface SupervisorOptions {
  /** How often a lost device is tried again, ms. */
  retryMs: number;
  /** How often the watchdog looks at the stream, ms. */
  watchdogMs: number;
  /** No device callback for this long while running = device lost, ms. */
  stallMs: number;
}

/**
 * Owns the stream's life on the audio worker: opens it, watches it (backend fatal errors,
 * streams closed under us, callbacks that stop coming), and after a loss retries opening
 * every `retryMs` until it is back, resuming into the same rings: the program never restarts.
 */
export class StreamSupervisor {
  private stream: BackendStream | null = null;
  private state: number = DeviceState.CLOSED;
  private watchdog: unknown = null;
  private retry: unknown = null;
  private attempts = 0;
  private lostReason = '';

  constructor(
    private readonly backend: AudioBackend,
    private readonly config: BackendStreamConfig,
    private readonly pump: StreamPump,
    private readonly counters: Float64Array,
    private readonly emit: (e: DeviceEvent) => void,
    private readonly options: SupervisorOptions,
    private readonly clock: Clock = realClock,
  ) {}

  get stateCode(): number {
    return this.state;
  }

  private setState(s: number): void {
    this.state = s;
    this.counters[Counter.STATE] = s;
  }

  /** First open. Throws the backend's error when the device cannot be opened at all. */
  start(): void {
    this.setState(DeviceState.OPENING);
    try {
      this.openStream();
    } catch (e) {
      this.setState(DeviceState.FAILED);
      throw e;
    }
    const s = this.stream as BackendStream;
    this.emit({ type: 'opened', bufferFrames: s.bufferFrames, apiName: s.apiName });
    this.armWatchdog();
  }

  private openStream(): void {
    const stream = this.backend.open(this.config, {
      onInput: (data) => this.pump.onInput(data),
      onOutputConsumed: () => this.pump.onOutputConsumed(),
      onError: (message, fatal) => {
        if (fatal) this.lose(message);
        else this.emit({ type: 'warning', message });
      },
    });
    try {
      this.pump.attach(stream, this.config.sampleRate);
      stream.start();
    } catch (e) {
      this.pump.detach();
      safeClose(stream);
      throw e;
    }
    this.stream = stream;
    this.setState(DeviceState.RUNNING);
  }

  private armWatchdog(): void {
    this.watchdog = this.clock.setTimer(() => this.check(), this.options.watchdogMs);
  }

  /** Watchdog tick: bookkeeping, then loss detection. */
  private check(): void {
    this.watchdog = null;
    if (this.state !== DeviceState.RUNNING) return;
    this.pump.tick();
    const s = this.stream as BackendStream;
    if (!s.isAlive()) this.lose('the audio device stopped (stream closed by the audio system)');
    else if (this.clock.now() - this.pump.lastCallbackAt > this.options.stallMs) this.lose(`no audio callback for over ${this.options.stallMs} ms`);
    if (this.state === DeviceState.RUNNING) this.armWatchdog();
  }

  private lose(reason: string): void {
    if (this.state !== DeviceState.RUNNING) return;
    this.lostReason = reason;
    this.pump.tick();
    this.pump.detach();
    if (this.stream !== null) safeClose(this.stream);
    this.stream = null;
    this.setState(DeviceState.LOST);
    this.counters[Counter.LOSSES]++;
    this.attempts = 0;
    this.emit({ type: 'lost', message: reason });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.retry = this.clock.setTimer(() => {
      this.retry = null;
      if (this.state !== DeviceState.LOST) return;
      this.attempts++;
      try {
        this.openStream();
      } catch {
        // still gone: keep the first reason, try again later
        this.scheduleRetry();
        return;
      }
      this.counters[Counter.RESTARTS]++;
      this.emit({ type: 'restored', bufferFrames: (this.stream as BackendStream).bufferFrames, attempts: this.attempts });
      this.armWatchdog();
    }, this.options.retryMs);
  }

  /** Why the device was last lost ('' if never). */
  get lastLossReason(): string {
    return this.lostReason;
  }

  /** Stop everything; idempotent. */
  close(): void {
    if (this.watchdog !== null) this.clock.clearTimer(this.watchdog);
    if (this.retry !== null) this.clock.clearTimer(this.retry);
    this.watchdog = this.retry = null;
    this.pump.detach();
    if (this.stream !== null) safeClose(this.stream);
    this.stream = null;
    if (this.state !== DeviceState.CLOSED) {
      this.setState(DeviceState.CLOSED);
      this.emit({ type: 'closed' });
    }
  }
}

function safeClose(stream: BackendStream): void {
  try {
    stream.close();
  } catch (e) {
    // a stream that died under us may refuse to close; nothing else to do with it
    void describeError(e);
  }
}
