/**
 * Audio worker entry (runs in a worker_thread, started by AudioDevice). Owns the backend stream:
 * its callbacks only copy between the device and the SharedArrayBuffer rings and bump counters,
 * so the main thread (or an inference worker) can block without the audio clock noticing.
 * Control messages (open result, loss, restore, close) travel by postMessage; audio never does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AudioRing, NICE, setThreadNice } from '../realtime/index.js';
import { describeError, isStemstreamError } from '../errors.js';
import type { AudioBackend, BackendStreamConfig } from './backend.js';
import { AudifyBackend } from './audify-backend.js';
import { NullBackend } from './null-backend.js';
import { StreamPump } from './stream-pump.js';
import { StreamSupervisor, type DeviceEvent } from './stream-supervisor.js';

export interface AudioWorkerData {
  config: BackendStreamConfig;
  /** Input ring (device → engine), interleaved frames; null for output-only streams. */
  inputRing: SharedArrayBuffer | null;
  /** Output ring (engine → device), interleaved frames; null for input-only streams. */
  outputRing: SharedArrayBuffer | null;
  counters: SharedArrayBuffer;
  prefillBlocks: number;
  slackBlocks: number;
  retryMs: number;
  watchdogMs: number;
  stallMs: number;
}

export type WorkerToMain = DeviceEvent | { type: 'failed'; code: string; message: string };
export type MainToWorker = { type: 'close' };

const data = workerData as AudioWorkerData;
// Device callbacks arrive on this thread: let them preempt the model (see thread-priority.ts).
setThreadNice(NICE.audio);
/** Time for audify's queued error callbacks to run before the main thread may terminate us. */
const FAILED_GRACE_MS = 150;
const port = parentPort;
if (port === null) throw new Error('audio-worker must run in a worker_thread');

const post = (m: WorkerToMain): void => port.postMessage(m);
const backend: AudioBackend = data.config.api === 'null' ? new NullBackend() : new AudifyBackend();
const counters = new Float64Array(data.counters);
const pump = new StreamPump(
  data.inputRing === null ? null : new AudioRing(data.inputRing, data.config.inputChannels),
  data.outputRing === null ? null : new AudioRing(data.outputRing, data.config.outputChannels),
  counters,
  data.prefillBlocks,
  data.slackBlocks,
  () => performance.now(),
);
const supervisor = new StreamSupervisor(backend, data.config, pump, counters, post, {
  retryMs: data.retryMs,
  watchdogMs: data.watchdogMs,
  stallMs: data.stallMs,
});

port.on('message', (m: MainToWorker) => {
  if (m.type === 'close') {
    supervisor.close();
    port.close();
  }
});

try {
  supervisor.start();
} catch (e) {
  // RtAudio reports a failed open twice: the thrown error and a queued call of audify's
  // (process-global) error callback. If the main thread terminated this worker while that call
  // was still queued, audify would throw a Napi::Error outside any JS frame and abort the whole
  // process ("terminate called after throwing an instance of 'Napi::Error'"). So let queued
  // callbacks run here first, then report.
  setTimeout(() => post({ type: 'failed', code: isStemstreamError(e) ? e.code : 'SS_ERR_DEVICE', message: describeError(e) }), FAILED_GRACE_MS);
}
