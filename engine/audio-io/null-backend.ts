import type { AudioBackend, BackendCallbacks, BackendStream, BackendStreamConfig } from './backend.js';

/** Longest burst of periods a late timer may catch up at once; older ones are skipped. */
const MAX_CATCH_UP_PERIODS = 32;

/**
 * Headless "device": a timer-driven clock on the audio worker that takes one queued output block
 * per period at the nominal rate (bufferFrames / sampleRate) and, for duplex configs, delivers a
 * period of silent input. For tests and for running without an audio system (`--api null`).
 * `sink`, when given, sees every consumed output block (interleaved).
 */
export class NullBackend implements AudioBackend {
  constructor(private readonly sink?: (interleaved: Float32Array) => void) {}

  open(config: BackendStreamConfig, callbacks: BackendCallbacks): BackendStream {
    return new NullStream(config, callbacks, this.sink);
  }
}

class NullStream implements BackendStream {
  readonly apiName = 'Null';
  readonly bufferFrames: number;
  private readonly periodMs: number;
  private readonly queue: Float32Array[] = [];
  private readonly spare: Float32Array[] = [];
  private readonly silentInput: Float32Array;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private t0 = 0;
  private periods = 0;
  private open = true;

  constructor(
    private readonly config: BackendStreamConfig,
    private readonly callbacks: BackendCallbacks,
    private readonly sink?: (interleaved: Float32Array) => void,
  ) {
    this.bufferFrames = config.bufferFrames;
    this.periodMs = (1000 * config.bufferFrames) / config.sampleRate;
    this.silentInput = new Float32Array(config.bufferFrames * config.inputChannels);
  }

  start(): void {
    this.t0 = performance.now();
    this.periods = 0;
    this.schedule();
  }

  private schedule(): void {
    // wake at half-period granularity; the clock, not the timer, decides how many periods are due
    this.timer = setTimeout(() => this.run(), Math.max(1, this.periodMs / 2));
  }

  private run(): void {
    if (!this.open) return;
    const due = Math.floor((performance.now() - this.t0) / this.periodMs);
    if (due - this.periods > MAX_CATCH_UP_PERIODS) this.periods = due - MAX_CATCH_UP_PERIODS;
    while (this.periods < due && this.open) {
      this.periods++;
      this.period();
    }
    if (this.open) this.schedule();
  }

  private period(): void {
    if (this.config.outputChannels > 0) {
      const block = this.queue.shift();
      if (block !== undefined) {
        this.sink?.(block);
        this.spare.push(block);
        this.callbacks.onOutputConsumed();
      }
    }
    if (this.config.inputChannels > 0) this.callbacks.onInput(this.silentInput);
  }

  write(interleaved: Float32Array): void {
    const block = this.spare.pop() ?? new Float32Array(interleaved.length);
    block.set(interleaved);
    this.queue.push(block);
  }

  isAlive(): boolean {
    return this.open;
  }

  streamTime(): number {
    return (this.periods * this.bufferFrames) / this.config.sampleRate;
  }

  close(): void {
    this.open = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
