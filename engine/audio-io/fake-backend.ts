/**
 * Test double for AudioBackend (not a test file): a device whose periods are driven by hand,
 * that can vanish and come back, plus a manual clock for the supervisor's timers.
 */
import type { AudioBackend, BackendCallbacks, BackendStream, BackendStreamConfig } from './backend.js';
import type { Clock } from './stream-supervisor.js';

export class FakeBackend implements AudioBackend {
  available = true;
  opens = 0;
  streams: FakeStream[] = [];

  open(config: BackendStreamConfig, callbacks: BackendCallbacks): BackendStream {
    this.opens++;
    if (!this.available) throw new Error('fake device not present');
    const s = new FakeStream(config, callbacks);
    this.streams.push(s);
    return s;
  }

  get current(): FakeStream {
    return this.streams[this.streams.length - 1];
  }
}

export class FakeStream implements BackendStream {
  readonly apiName = 'Fake';
  readonly bufferFrames: number;
  alive = true;
  started = false;
  closed = false;
  /** Blocks queued by write() and not yet played. */
  queue: Float32Array[] = [];
  /** Everything the "device" played, silence for periods with an empty queue. */
  played: number[] = [];
  /** Periods that found the queue empty. */
  silentPeriods = 0;
  periods = 0;
  /** Callbacks held back to simulate a JS thread that is late. */
  private held: Array<() => void> = [];

  constructor(private readonly config: BackendStreamConfig, private readonly callbacks: BackendCallbacks) {
    this.bufferFrames = config.bufferFrames;
  }

  start(): void {
    this.started = true;
  }

  write(interleaved: Float32Array): void {
    this.queue.push(Float32Array.from(interleaved));
  }

  isAlive(): boolean {
    return this.alive && !this.closed;
  }

  streamTime(): number {
    return (this.periods * this.bufferFrames) / this.config.sampleRate;
  }

  close(): void {
    this.closed = true;
  }

  /**
   * One device period, like RtAudio's callback: play a queued block (or silence), then hand
   * over input. With `late`, the JS-side callbacks are held until `deliver()`.
   */
  period(input?: Float32Array, late = false): void {
    this.periods++;
    const calls: Array<() => void> = [];
    if (this.config.outputChannels > 0) {
      const block = this.queue.shift();
      if (block === undefined) {
        this.silentPeriods++;
        for (let i = 0; i < this.bufferFrames * this.config.outputChannels; i++) this.played.push(0);
      } else {
        for (const v of block) this.played.push(v);
        calls.push(() => this.callbacks.onOutputConsumed());
      }
    }
    if (this.config.inputChannels > 0) {
      const data = input ?? new Float32Array(this.bufferFrames * this.config.inputChannels);
      calls.push(() => this.callbacks.onInput(data));
    }
    if (late) this.held.push(...calls);
    else for (const c of calls) c();
  }

  deliver(): void {
    const calls = this.held;
    this.held = [];
    for (const c of calls) c();
  }

  fail(message: string): void {
    this.callbacks.onError(message, true);
  }
}

export class ManualClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** Move time forward, firing due timers in order (timers they set fire too if due). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  pending(): number {
    return this.timers.length;
  }
}
