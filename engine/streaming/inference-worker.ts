/**
 * Inference worker: owns the ONNX session so inference never shares a thread with audio or DSP.
 * Protocol over one SharedArrayBuffer (see WorkerInferencePort): per slot a state word
 * (FREE → REQUESTED by the DSP side → DONE by this side; DROPPED when the DSP side gave up),
 * the request's sequence number, the window and the mask. `control[0]` counts submissions;
 * this side sleeps on it with Atomics.waitAsync, so it never spins.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../model/index.js';
import { NICE, setThreadNice } from '../realtime/index.js';
import { SLOT, type InferenceWorkerData, slotLayout } from './inference-shared.js';

const data = workerData as InferenceWorkerData;
// Before the session exists, so that onnxruntime's pool threads inherit it.
if (data.lowPriority) setThreadNice(NICE.inference);
const model = await loadModel(data.modelDir, { threads: data.threads, device: data.device });
const { control, windows, masks, per } = slotLayout(data.buffer, data.slots, data.nbBins, data.chunkFrames);
const input = new Float32Array(per);
const times = new Float64Array(data.timesBuffer);

// Warm up (first runs are slow: allocation, kernel selection) before the first real deadline,
// then time a few runs: the live engine picks K from this when asked to (`--hop-interval` auto).
for (let i = 0; i < 3; i++) await model.run(input, 1);
const startupTimes: number[] = [];
for (let i = 0; i < (data.timingRuns ?? 5); i++) {
  const t0 = performance.now();
  await model.run(input, 1);
  startupTimes.push(performance.now() - t0);
}
startupTimes.sort((a, b) => a - b);
const startupMs = startupTimes.length > 0 ? startupTimes[startupTimes.length >> 1] : 0;
parentPort?.postMessage({ type: 'ready', startupMs });

let seen = 0;
let nextSeq = 0;
let stopping = false;
parentPort?.on('message', (m: { type: string }) => {
  if (m.type === 'stop') stopping = true;
});

/** Serve requests in sequence order; skip the ones the DSP side dropped. */
async function serve(): Promise<void> {
  while (!stopping) {
    const submitted = Atomics.load(control, 0);
    if (submitted === seen) {
      const w = Atomics.waitAsync(control, 0, seen, 100);
      if (w.async) await w.value;
      continue;
    }
    seen = submitted;
    // Newest submitted sequence is submitted − 1; work through what is still wanted, oldest first.
    for (; nextSeq < submitted; nextSeq++) {
      const slot = nextSeq % data.slots;
      const base = 2 + slot * 2;
      if (Atomics.load(control, base + 1) !== nextSeq) continue; // overwritten by a newer request
      if (Atomics.load(control, base) !== SLOT.REQUESTED) continue; // dropped
      input.set(windows.subarray(slot * per, (slot + 1) * per));
      const t0 = performance.now();
      const mask = await model.run(input, 1);
      times[0] = performance.now() - t0; // last inference ms
      times[1] = Math.max(times[1], times[0]);
      times[2] += times[0];
      times[3] += 1;
      if (Atomics.load(control, base + 1) !== nextSeq || Atomics.load(control, base) !== SLOT.REQUESTED) continue;
      masks.set(mask.subarray(0, per), slot * per);
      Atomics.store(control, base, SLOT.DONE);
      Atomics.notify(control, base);
    }
  }
  await model.dispose();
  parentPort?.postMessage({ type: 'stopped' });
  parentPort?.close();
}

await serve();
