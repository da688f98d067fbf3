import type { Worker } from 'node:worker_threads';
import { StemstreamError, type ErrorCode } from '../errors.js';
import type { InferenceDevice } from '../model/index.js';
import { startSiblingWorker } from '../realtime/index.js';
import type { InferencePort } from './inference-port.js';
import { SLOT, slotBytes, slotLayout, type InferenceWorkerData } from './inference-shared.js';

export interface WorkerPortOptions {
  modelDir: string;
  nbBins: number;
  chunkFrames: number;
  threads?: number;
  device?: InferenceDevice;
  /** Requests that can be in flight; older ones are overwritten (they have missed anyway). */
  slots?: number;
  /** Run the model at a lower thread priority than audio and DSP (the live engine; see thread-priority.ts). */
  lowPriority?: boolean;
}

export interface InferenceTimes {
  lastMs: number;
  maxMs: number;
  meanMs: number;
  count: number;
}

/**
 * The live inference port: the model runs in its own worker thread; `submit` and `poll` touch only
 * shared memory and atomics (no messages, no allocation), so the DSP loop never waits on it.
 */
export class WorkerInferencePort implements InferencePort {
  private readonly control: Int32Array;
  private readonly windows: Float32Array;
  private readonly masks: Float32Array;
  private readonly per: number;
  private readonly slots: number;
  private readonly times: Float64Array;
  /** Median inference ms of the timed runs right after warm-up (before any real request). */
  readonly startupMs: number;

  private constructor(
    private readonly worker: Worker,
    buffer: SharedArrayBuffer,
    timesBuffer: SharedArrayBuffer,
    slots: number,
    nbBins: number,
    chunkFrames: number,
    startupMs: number,
  ) {
    this.startupMs = startupMs;
    const layout = slotLayout(buffer, slots, nbBins, chunkFrames);
    this.control = layout.control;
    this.windows = layout.windows;
    this.masks = layout.masks;
    this.per = layout.per;
    this.slots = slots;
    this.times = new Float64Array(timesBuffer);
  }

  /** Starts the worker and resolves once its model is loaded (errors: the loader's StemstreamError text). */
  static async start(options: WorkerPortOptions): Promise<WorkerInferencePort> {
    const slots = options.slots ?? 8;
    const buffer = new SharedArrayBuffer(slotBytes(slots, options.nbBins, options.chunkFrames));
    const timesBuffer = new SharedArrayBuffer(4 * 8);
    const workerData: InferenceWorkerData = {
      modelDir: options.modelDir,
      threads: options.threads ?? 2,
      device: options.device ?? 'cpu',
      slots,
      nbBins: options.nbBins,
      chunkFrames: options.chunkFrames,
      buffer,
      timesBuffer,
      lowPriority: options.lowPriority ?? false,
    };
    const worker = startSiblingWorker(import.meta.url, 'inference-worker', { workerData });
    const startupMs = await new Promise<number>((resolve, reject) => {
      const onError = (e: Error) => {
        const code = (e as { code?: unknown }).code;
        // the loader's StemstreamError arrives as a plain Error copy: keep its code and text
        const known = typeof code === 'string' && code.startsWith('SS_ERR_') ? (code as ErrorCode) : 'SS_ERR_INFERENCE';
        reject(new StemstreamError(known, known === 'SS_ERR_INFERENCE' ? `inference worker failed to start: ${e.message}` : e.message, { cause: e }));
      };
      const onExit = (exitCode: number) => reject(new StemstreamError('SS_ERR_INFERENCE', `inference worker exited (code ${exitCode}) before it was ready`));
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.once('message', (m: { type: string; startupMs?: number }) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (m.type === 'ready') resolve(m.startupMs ?? 0);
        else reject(new StemstreamError('SS_ERR_INFERENCE', `inference worker: unexpected ${m.type}`));
      });
    });
    return new WorkerInferencePort(worker, buffer, timesBuffer, slots, options.nbBins, options.chunkFrames, startupMs);
  }

  submit(seq: number, window: Float32Array): void {
    const slot = seq % this.slots;
    const base = 2 + slot * 2;
    Atomics.store(this.control, base, SLOT.FREE);
    this.windows.set(window.subarray(0, this.per), slot * this.per);
    Atomics.store(this.control, base + 1, seq);
    Atomics.store(this.control, base, SLOT.REQUESTED);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
  }

  poll(seq: number, out: Float32Array): boolean {
    const slot = seq % this.slots;
    const base = 2 + slot * 2;
    if (Atomics.load(this.control, base + 1) !== seq || Atomics.load(this.control, base) !== SLOT.DONE) return false;
    out.set(this.masks.subarray(slot * this.per, (slot + 1) * this.per));
    Atomics.store(this.control, base, SLOT.FREE);
    return true;
  }

  async wait(seq: number, out: Float32Array): Promise<void> {
    const base = 2 + (seq % this.slots) * 2;
    while (!this.poll(seq, out)) {
      if (Atomics.load(this.control, base + 1) !== seq) throw new StemstreamError('SS_ERR_INTERNAL', `inference request ${seq} was overwritten`);
      const w = Atomics.waitAsync(this.control, base, Atomics.load(this.control, base), 50);
      if (w.async) await w.value;
    }
  }

  drop(seq: number): void {
    for (let s = 0; s < this.slots; s++) {
      const base = 2 + s * 2;
      if (Atomics.load(this.control, base + 1) <= seq) Atomics.compareExchange(this.control, base, SLOT.REQUESTED, SLOT.DROPPED);
    }
  }

  /** Inference timing measured in the worker. */
  get stats(): InferenceTimes {
    const count = this.times[3];
    return { lastMs: this.times[0], maxMs: this.times[1], meanMs: count > 0 ? this.times[2] / count : 0, count };
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'stop' });
    Atomics.notify(this.control, 0);
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      this.worker.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
