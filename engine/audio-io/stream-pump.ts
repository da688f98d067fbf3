import type { AudioRing } from '../realtime/index.js';
import type { BackendStream } from './backend.js';
import { Counter } from './device-counters.js';

/**
 * Moves audio between one open backend stream and the engine's rings, on the audio worker.
 * Device input → `inputRing` (interleaved frames); `outputRing` → device output. Never waits:
 * a short output ring is padded with silence (UNDERFLOW_FRAMES), a full input ring drops the
 * newest frames (OVERFLOW_FRAMES). Scratch blocks are allocated once per attached stream.
 *
 * Output clocking: in duplex streams one block is written per input period; in output-only
 * streams one per consumed block. `prefillBlocks` of silence are queued at start: that is the
 * output latency budget the worker has to answer in. If the worker stalls and then catches up,
 * the device queue would stay long forever (latency grows); blocks beyond prefill + slack are
 * therefore dropped (DROPPED_OUTPUT_BLOCKS) instead of queued.
 *
 * Constant latency in duplex streams: an underflow plays silence in place of frames that arrive
 * later, so from then on every frame would leave one underflow later. The pump keeps that debt and
 * skips as many frames once the ring holds them beyond the next block (TRIMMED_FRAMES), so a
 * start-up hiccup or a stall costs one glitch, not a lasting delay. (Output-only streams are paced
 * by the engine's queue target, so an underflow there adds no latency.)
 */
export class StreamPump {
  private stream: BackendStream | null = null;
  private block = new Float32Array(0);
  private bufferFrames = 0;
  private written = 0;
  private consumed = 0;
  private periods = 0;
  private silentBase = 0;
  private silentNow = 0;
  /** Frames played as silence (duplex) whose data has not been skipped yet. */
  private debt = 0;
  /** Time of the last device callback (ms, from `now`), for the stall watchdog. */
  lastCallbackAt = 0;

  constructor(
    private readonly inputRing: AudioRing | null,
    private readonly outputRing: AudioRing | null,
    private readonly counters: Float64Array,
    private readonly prefillBlocks: number,
    private readonly slackBlocks: number,
    private readonly now: () => number,
  ) {}

  get duplex(): boolean {
    return this.inputRing !== null && this.outputRing !== null;
  }

  /** Start pumping a freshly opened (not yet started) stream: size scratch, queue the prefill. */
  attach(stream: BackendStream, sampleRate: number): void {
    this.stream = stream;
    this.bufferFrames = stream.bufferFrames;
    this.counters[Counter.BUFFER_FRAMES] = stream.bufferFrames;
    this.counters[Counter.SAMPLE_RATE] = sampleRate;
    const nbOut = this.outputRing?.nbChannels ?? 0;
    if (this.block.length !== stream.bufferFrames * nbOut) this.block = new Float32Array(stream.bufferFrames * nbOut);
    // the previous stream's silent blocks stay counted
    this.silentBase += this.silentNow;
    this.silentNow = 0;
    this.written = 0;
    this.consumed = 0;
    this.periods = 0;
    this.debt = 0;
    this.lastCallbackAt = this.now();
    if (this.outputRing !== null) {
      this.block.fill(0);
      for (let i = 0; i < this.prefillBlocks; i++) {
        stream.write(this.block);
        this.written++;
      }
    }
  }

  detach(): void {
    this.stream = null;
  }

  /** Backend callback: one period of interleaved input. */
  onInput(interleaved: Float32Array): void {
    if (this.stream === null) return;
    this.lastCallbackAt = this.now();
    this.periods++;
    const c = this.counters;
    c[Counter.CALLBACKS]++;
    const ring = this.inputRing;
    if (ring !== null) {
      const nbFrames = interleaved.length / ring.nbChannels;
      const n = ring.pushInterleaved(interleaved, nbFrames);
      c[Counter.FRAMES_IN] += nbFrames;
      if (n < nbFrames) c[Counter.OVERFLOW_FRAMES] += nbFrames - n;
    }
    if (this.outputRing !== null) this.writeBlock();
  }

  /** Backend callback: the device took one of our blocks. */
  onOutputConsumed(): void {
    if (this.stream === null) return;
    this.consumed++;
    if (this.inputRing === null) {
      this.lastCallbackAt = this.now();
      this.periods++;
      this.counters[Counter.CALLBACKS]++;
      this.writeBlock();
    }
  }

  private writeBlock(): void {
    const ring = this.outputRing as AudioRing;
    const stream = this.stream as BackendStream;
    const c = this.counters;
    const frames = this.bufferFrames;
    if (this.written - this.consumed > this.prefillBlocks + this.slackBlocks) {
      // we are behind the device's clock no more: drop a block rather than queue latency
      ring.ring.skip(Math.min(ring.availableReadFrames(), frames) * ring.nbChannels);
      c[Counter.DROPPED_OUTPUT_BLOCKS]++;
      return;
    }
    if (this.debt > 0 && ring.availableReadFrames() - frames >= this.debt) {
      // the late frames have arrived (the ring is a whole debt beyond its normal fill): drop them
      ring.ring.skip(this.debt * ring.nbChannels);
      c[Counter.TRIMMED_FRAMES] += this.debt;
      this.debt = 0;
    }
    const got = ring.popInterleaved(this.block, frames);
    if (got < frames) {
      this.block.fill(0, got * ring.nbChannels);
      c[Counter.UNDERFLOW_FRAMES] += frames - got;
      if (this.inputRing !== null) this.debt += frames - got;
    }
    stream.write(this.block);
    this.written++;
    c[Counter.FRAMES_OUT] += frames;
  }

  /**
   * Periodic (timer) bookkeeping: estimate periods the device played as silence because our
   * write came late. audify does not report this; every device period either took a queued
   * block or played silence, so silent = periods − consumed. In output-only streams the
   * period count comes from the stream clock. Run from a timer so pending callbacks of both
   * kinds have been delivered.
   */
  tick(): void {
    const stream = this.stream;
    if (stream === null || this.outputRing === null) return;
    const periods = this.inputRing !== null ? this.periods : Math.floor((stream.streamTime() * this.counters[Counter.SAMPLE_RATE]) / this.bufferFrames);
    this.silentNow = Math.max(this.silentNow, periods - this.consumed - 1, 0);
    this.counters[Counter.DEVICE_SILENT_BLOCKS] = this.silentBase + this.silentNow;
  }
}
