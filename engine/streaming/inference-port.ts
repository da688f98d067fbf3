import type { MaskModel } from '../model/index.js';

/**
 * How the streaming separator reaches its model. Requests are numbered 0, 1, 2, … and answered in
 * order. `submit` and `poll` never block (the live path calls them from its DSP loop); `wait` is
 * for the offline `--streaming` render, which waits instead of falling back so that it produces
 * what a live run with no missed deadline produces.
 */
export interface InferencePort {
  /** Window `[nbBins, chunkFrames]` bin-major, copied before return. */
  submit(seq: number, window: Float32Array): void;
  /** Copies the mask of `seq` into `out` and returns true when it is ready; false otherwise. */
  poll(seq: number, out: Float32Array): boolean;
  /** Resolves once the mask of `seq` is in `out`. */
  wait(seq: number, out: Float32Array): Promise<void>;
  /** Forget requests up to and including `seq` (they missed their deadline). */
  drop(seq: number): void;
  close(): Promise<void>;
}

/**
 * Runs the model on the calling thread's event loop, one request at a time, in order. Used offline
 * and in tests; the live engine uses the worker-thread port so inference never shares a thread
 * with audio.
 */
export class DirectInferencePort implements InferencePort {
  private readonly pending = new Map<number, Promise<Float32Array>>();
  private readonly done = new Map<number, Float32Array>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly model: MaskModel) {}

  submit(seq: number, window: Float32Array): void {
    const input = window.slice();
    const p = this.chain.then(() => this.model.run(input, 1));
    this.chain = p.catch(() => undefined);
    this.pending.set(seq, p);
    p.then(
      (mask) => {
        if (this.pending.delete(seq)) this.done.set(seq, mask);
      },
      () => undefined,
    );
  }

  poll(seq: number, out: Float32Array): boolean {
    const mask = this.done.get(seq);
    if (mask === undefined) return false;
    out.set(mask.subarray(0, out.length));
    this.done.delete(seq);
    return true;
  }

  async wait(seq: number, out: Float32Array): Promise<void> {
    const p = this.pending.get(seq);
    const mask = this.done.get(seq) ?? (p ? await p : undefined);
    if (mask === undefined) throw new Error(`inference request ${seq} was never submitted`);
    this.pending.delete(seq);
    this.done.delete(seq);
    out.set(mask.subarray(0, out.length));
  }

  drop(seq: number): void {
    for (const k of [...this.pending.keys()]) if (k <= seq) this.pending.delete(k);
    for (const k of [...this.done.keys()]) if (k <= seq) this.done.delete(k);
  }

  async close(): Promise<void> {
    await this.chain;
  }
}
