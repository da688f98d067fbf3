/**
 * Test fixture (not a test file): one end of a cross-thread SPSC run. The producer pushes
 * the integers 0..total-1 in seeded random chunk sizes; the consumer pops in other random
 * chunk sizes and checks that every value arrives exactly once and in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RingBuffer } from './ring-buffer.js';
import { ParamRing, type ParamMessage } from './param-ring.js';
import { mulberry32 } from '../dsp/signal-generators.js';

export interface SpscFixtureData {
  role: 'producer' | 'consumer' | 'param-producer' | 'param-consumer';
  sab: SharedArrayBuffer;
  total: number;
  seed: number;
  maxChunk: number;
}

export interface SpscFixtureResult {
  received: number;
  errors: number;
  firstError: string;
  emptyPolls: number;
}


const data = workerData as SpscFixtureData;
const rand = mulberry32(data.seed);
const chunk = new Float32Array(data.maxChunk);
const nap = new Int32Array(new SharedArrayBuffer(4));
/** Give the core away briefly when the other side has to move first (2 shared cores in CI). */
const yieldCore = (): void => void Atomics.wait(nap, 0, 0, 0.05);
const result: SpscFixtureResult = { received: 0, errors: 0, firstError: '', emptyPolls: 0 };

if (data.role === 'producer') {
  const ring = new RingBuffer(data.sab, Float32Array);
  let next = 0;
  while (next < data.total) {
    const want = Math.min(data.total - next, 1 + Math.floor(rand() * data.maxChunk));
    for (let i = 0; i < want; i++) chunk[i] = next + i;
    const n = ring.push(chunk, 0, want);
    if (n === 0) yieldCore();
    next += n; // values not taken are regenerated on the next turn
  }
} else if (data.role === 'consumer') {
  const ring = new RingBuffer(data.sab, Float32Array);
  let expect = 0;
  const deadline = Date.now() + 20000;
  while (expect < data.total && Date.now() < deadline) {
    const want = 1 + Math.floor(rand() * data.maxChunk);
    const n = ring.pop(chunk, 0, want);
    if (n === 0) {
      result.emptyPolls++;
      yieldCore();
    }
    for (let i = 0; i < n; i++) {
      if (chunk[i] !== expect && result.errors++ === 0) result.firstError = `at ${expect}: got ${chunk[i]}`;
      expect++;
    }
  }
  result.received = expect;
} else if (data.role === 'param-producer') {
  const ring = new ParamRing(data.sab);
  let next = 0;
  while (next < data.total) {
    if (ring.enqueue(next % 4096, next * 0.5)) next++;
    else yieldCore();
  }
} else {
  const ring = new ParamRing(data.sab);
  const msg: ParamMessage = { paramIndex: 0, value: 0 };
  let expect = 0;
  const deadline = Date.now() + 20000;
  while (expect < data.total && Date.now() < deadline) {
    if (!ring.dequeue(msg)) {
      result.emptyPolls++;
      yieldCore();
      continue;
    }
    if ((msg.paramIndex !== expect % 4096 || msg.value !== expect * 0.5) && result.errors++ === 0) {
      result.firstError = `message ${expect}: got (${msg.paramIndex}, ${msg.value})`;
    }
    expect++;
  }
  result.received = expect;
}

parentPort?.postMessage(result);
