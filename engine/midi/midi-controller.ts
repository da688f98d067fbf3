import { EventEmitter } from 'node:events';
import type { ControlAction, ControlTarget, EngineState } from '../control/control-target.js';
import { StemstreamError, describeError, isStemstreamError } from '../errors.js';
import type { MidiConfig, MidiMapping } from './mapping-schema.js';
import { MidiMapper, type LearnRequest } from './mapper.js';
import { parseMidiMessage, type MidiEvent } from './messages.js';
import { tryLoadMidiBinding, type MidiBinding } from './midi-binding.js';
import { MidiPorts, type MidiDirection, type MidiStatus } from './midi-ports.js';
import { actionKey, predictState } from './state-view.js';


/** Feedback is sent again this long after an output opens (see the 'opened' handler). */
const FEEDBACK_RESEND_MS = 250;
/**
 * MIDI control of a running engine: ports (hot-plug) → parser → mapper → coalescing queue →
 * ControlTarget, and target state → mapper feedback → LED messages out.
 *
 * Flood safety: every message goes through the mapper (so toggles and soft takeover see each
 * value), but the resulting actions wait in a queue keyed by control — the latest value wins —
 * and are delivered at most once per `tickMs`. A controller sending 10,000 CC/s thus costs the
 * engine a handful of parameter changes per audio block, and memory is bounded by the number of
 * mapped controls (steps such as preset next/previous are queued up to `maxQueuedSteps`).
 */

export interface MidiControllerOptions {
  target: ControlTarget;
  config: MidiConfig;
  /** Default: loadMidiBinding() (STEMSTREAM_MIDI_BINDING or @julusian/midi); null: none. */
  binding?: MidiBinding | null;
  /** Hot-plug poll in ms (default 1000). */
  pollMs?: number;
  /** Least time between two deliveries to the target, ms (default 5, about one audio block). */
  tickMs?: number;
  /** Step actions (preset next/previous) held per tick at most; more are dropped (default 32). */
  maxQueuedSteps?: number;
}

export interface MidiControlStats {
  /** Raw messages received. */
  received: number;
  /** Messages the parser or the mappings had no use for. */
  ignored: number;
  /** Actions the mapper produced. */
  actions: number;
  /** Actions handed to the target. */
  applied: number;
  /** Actions replaced by a later value of the same control before delivery. */
  coalesced: number;
  /** Step actions dropped because too many were queued. */
  dropped: number;
  /** Actions the target refused. */
  failed: number;
  /** Feedback messages sent. */
  feedbackSent: number;
  /** Deliveries (ticks) so far. */
  flushes: number;
}

export interface MidiControllerEvents {
  warning: [message: string];
  /** Every parsed message (for monitors and the UI's learn display); only emitted when listened to. */
  event: [port: string, event: MidiEvent];
  learned: [mapping: MidiMapping];
  opened: [direction: MidiDirection, port: string, reopened: boolean];
  lost: [direction: MidiDirection, port: string];
  availability: [status: MidiStatus];
}

export class MidiController extends EventEmitter<MidiControllerEvents> {
  readonly mapper: MidiMapper;
  readonly ports: MidiPorts;
  private cfg: MidiConfig;
  private readonly target: ControlTarget;
  private readonly tickMs: number;
  private readonly maxSteps: number;
  /** The state the mapper reads: the target's, plus what is queued and not yet applied. */
  private view: EngineState;
  private pending = new Map<string, ControlAction>();
  private steps: ControlAction[] = [];
  private scheduled: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;
  private flushing = false;
  private lastFlushAt = -Infinity;
  private readonly unsubscribe: () => void;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly counters: MidiControlStats = { received: 0, ignored: 0, actions: 0, applied: 0, coalesced: 0, dropped: 0, failed: 0, feedbackSent: 0, flushes: 0 };
  private warnedAt = -Infinity;
  private warningsHeld = 0;
  private learnWaiter: { resolve: (m: MidiMapping) => void; timer: ReturnType<typeof setTimeout> } | null = null;
  private closed = false;

  constructor(options: MidiControllerOptions) {
    super();
    this.cfg = options.config;
    this.target = options.target;
    this.tickMs = options.tickMs ?? 5;
    this.maxSteps = options.maxQueuedSteps ?? 32;
    this.mapper = new MidiMapper(options.config.mappings);
    this.view = options.target.state();
    let binding = options.binding;
    let loadError: string | undefined;
    if (binding === undefined) {
      const r = tryLoadMidiBinding();
      binding = r.binding;
      loadError = r.error ?? undefined;
    }
    this.ports = new MidiPorts(binding, { inputs: options.config.inputs, outputs: options.config.outputs, pollMs: options.pollMs, loadError });
    this.ports.on('message', (port, bytes) => this.onMessage(port, bytes));
    this.ports.on('warning', (m) => this.warn(m));
    this.ports.on('lost', (dir, port) => this.emit('lost', dir, port));
    this.ports.on('availability', (s) => this.emit('availability', s));
    this.ports.on('opened', (dir, port, reopened) => {
      if (dir === 'output') {
        // a (re)connected controller shows the engine's state, not what its LEDs last held; sent
        // again once the connection has settled: a message written in the same moment the port
        // is connected can be lost (JACK delivers from the next cycle; some devices ignore the
        // first bytes after enumeration)
        this.mapper.resetFeedback();
        this.sendFeedback(this.target.state());
        clearTimeout(this.resendTimer);
        this.resendTimer = setTimeout(() => {
          if (this.closed) return;
          this.mapper.resetFeedback();
          this.sendFeedback(this.target.state());
        }, FEEDBACK_RESEND_MS);
        this.resendTimer.unref?.();
      }
      this.emit('opened', dir, port, reopened);
    });
    this.unsubscribe = options.target.subscribe((state) => this.onState(state));
  }

  /** Open the ports and start the hot-plug poll; the returned status says what is open and why not. */
  start(): MidiStatus {
    return this.ports.start();
  }

  status(): MidiStatus {
    return this.ports.status();
  }

  stats(): MidiControlStats {
    return { ...this.counters };
  }

  /** The config in force, with any learned mappings (what a preset saves). */
  config(): MidiConfig {
    return { ...this.cfg, mappings: [...this.mapper.mappings] };
  }

  /** Switch to another config (preset change): mappings, ports, LEDs. */
  setConfig(config: MidiConfig): void {
    this.cfg = config;
    this.mapper.setMappings(config.mappings);
    this.ports.setWanted(config.inputs, config.outputs);
    this.sendFeedback(this.target.state());
  }

  /**
   * Learn mode: the next cc / note / program message binds to `request`'s action; resolves with
   * the new mapping (already active). Rejects with SS_ERR_DEVICE if nothing arrives in time.
   */
  learn(request: LearnRequest, timeoutMs = 30000): Promise<MidiMapping> {
    this.cancelLearn();
    this.mapper.beginLearn(request);
    return new Promise<MidiMapping>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.mapper.cancelLearn();
        this.learnWaiter = null;
        reject(new StemstreamError('SS_ERR_DEVICE', `MIDI learn: no control was moved within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.learnWaiter = { resolve, timer };
    });
  }

  cancelLearn(): void {
    this.mapper.cancelLearn();
    if (this.learnWaiter !== null) clearTimeout(this.learnWaiter.timer);
    this.learnWaiter = null;
  }

  /**
   * Feed one raw message as if it came from `port` (the UI's virtual controller, tests). The
   * same path as hardware input.
   */
  inject(port: string, bytes: ArrayLike<number>): void {
    this.onMessage(port, bytes);
  }

  /** Deliver what is queued now and wait for it (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.size > 0 || this.steps.length > 0) {
      if (!this.flushing) await this.flush();
      else await new Promise((r) => setImmediate(r));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.resendTimer);
    this.cancelLearn();
    this.clearSchedule();
    this.unsubscribe();
    this.ports.close();
  }

  private onMessage(port: string, bytes: ArrayLike<number>): void {
    this.counters.received++;
    const event = parseMidiMessage(bytes);
    if (event === null) {
      this.counters.ignored++;
      return;
    }
    if (this.listenerCount('event') > 0) this.emit('event', port, event);
    const r = this.mapper.handle(event, this.view, port);
    if (r.learned !== null) {
      this.emit('learned', r.learned);
      if (this.learnWaiter !== null) {
        clearTimeout(this.learnWaiter.timer);
        this.learnWaiter.resolve(r.learned);
        this.learnWaiter = null;
      }
      return;
    }
    if (r.actions.length === 0) {
      this.counters.ignored++;
      return;
    }
    for (const a of r.actions) {
      this.counters.actions++;
      this.view = predictState(this.view, a);
      const key = actionKey(a);
      if (key === null) {
        if (this.steps.length >= this.maxSteps) this.counters.dropped++;
        else this.steps.push(a);
      } else {
        if (this.pending.has(key)) this.counters.coalesced++;
        this.pending.set(key, a);
      }
    }
    this.schedule();
  }

  /** Deliver on the next turn when idle for a tick, else when the tick since the last delivery ends. */
  private schedule(): void {
    if (this.scheduled !== null || this.flushing || this.closed) return;
    const wait = this.lastFlushAt + this.tickMs - performance.now();
    const run = () => {
      this.scheduled = null;
      void this.flush();
    };
    this.scheduled = wait <= 0 ? setImmediate(run) : setTimeout(run, wait);
  }

  private clearSchedule(): void {
    if (this.scheduled === null) return;
    clearTimeout(this.scheduled as ReturnType<typeof setTimeout>);
    clearImmediate(this.scheduled as ReturnType<typeof setImmediate>);
    this.scheduled = null;
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    this.lastFlushAt = performance.now();
    this.counters.flushes++;
    const batch = [...this.pending.values(), ...this.steps];
    this.pending = new Map();
    this.steps = [];
    try {
      for (const a of batch) {
        try {
          await this.target.apply(a);
          this.counters.applied++;
        } catch (e) {
          this.counters.failed++;
          this.warn(`MIDI action ${a.type} refused: ${isStemstreamError(e) ? `${e.code}: ` : ''}${describeError(e)}`);
        }
      }
    } finally {
      this.flushing = false;
    }
    if (this.pending.size > 0 || this.steps.length > 0) this.schedule();
    else this.view = this.target.state();
  }

  private onState(state: EngineState): void {
    // while actions are queued the predicted view is ahead of the target's; it catches up after the flush
    if (!this.flushing && this.pending.size === 0 && this.steps.length === 0) this.view = state;
    this.sendFeedback(state);
  }

  private sendFeedback(state: EngineState): void {
    for (const fb of this.mapper.feedback(state)) this.counters.feedbackSent += this.ports.send(fb.output, fb.bytes);
  }

  /** Warnings at most once a second, with the count of those held back. */
  private warn(message: string): void {
    const now = performance.now();
    if (now - this.warnedAt < 1000) {
      this.warningsHeld++;
      return;
    }
    const held = this.warningsHeld;
    this.warningsHeld = 0;
    this.warnedAt = now;
    this.emit('warning', held > 0 ? `${message} (${held} more warnings in the last second)` : message);
  }
}
