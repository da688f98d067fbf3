import type { InferenceDevice } from '../model/index.js';

/** Slot states of the inference SharedArrayBuffer. */
export const SLOT = { FREE: 0, REQUESTED: 1, DONE: 2, DROPPED: 3 } as const;

export interface InferenceWorkerData {
  modelDir: string;
  threads: number;
  device: InferenceDevice;
  slots: number;
  nbBins: number;
  chunkFrames: number;
  buffer: SharedArrayBuffer;
  /** Float64: last inference ms, max ms, total ms, count. */
  timesBuffer: SharedArrayBuffer;
  /** Timed runs after warm-up whose median is reported as `startupMs` (default 5). */
  timingRuns?: number;
  /** Lower this thread's (and the model pool's) priority below the audio threads'. */
  lowPriority?: boolean;
}

/** Bytes of the shared buffer: control words, then the windows, then the masks. */
export function slotBytes(slots: number, nbBins: number, chunkFrames: number): number {
  const controlBytes = Math.ceil(((2 + 2 * slots) * 4) / 16) * 16;
  return controlBytes + 2 * slots * nbBins * chunkFrames * 4;
}

/**
 * Views of the shared buffer. control[0]: submissions (the worker waits on it); control[1]:
 * reserved; control[2 + 2s]: state of slot s; control[3 + 2s]: sequence number in slot s.
 */
export function slotLayout(buffer: SharedArrayBuffer, slots: number, nbBins: number, chunkFrames: number) {
  const per = nbBins * chunkFrames;
  const controlBytes = Math.ceil(((2 + 2 * slots) * 4) / 16) * 16;
  return {
    per,
    control: new Int32Array(buffer, 0, 2 + 2 * slots),
    windows: new Float32Array(buffer, controlBytes, slots * per),
    masks: new Float32Array(buffer, controlBytes + slots * per * 4, slots * per),
  };
}
