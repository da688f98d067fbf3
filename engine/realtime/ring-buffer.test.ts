import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { RingBuffer } from './ring-buffer.js';
import { startSiblingWorker } from './sibling-worker.js';
import type { SpscFixtureData, SpscFixtureResult } from './spsc-fixture-worker.js';
import { mulberry32 } from '../dsp/signal-generators.js';

const CANARY = -12345.5;


test('bytesFor accounts for header and one spare slot', () => {
  assert.equal(RingBuffer.bytesFor(4), 16 + 5 * 4);
  assert.equal(RingBuffer.bytesFor(4, Float64Array), 16 + 5 * 8);
  assert.throws(() => RingBuffer.bytesFor(0), RangeError);
});

test('empty and full rings move nothing and do not throw', () => {
  const ring = RingBuffer.create(8);
  const dst = new Float32Array(4).fill(CANARY);
  assert.equal(ring.pop(dst), 0);
  assert.deepEqual([...dst], [CANARY, CANARY, CANARY, CANARY]);
  assert.equal(ring.push(new Float32Array(10).fill(1)), 8);
  assert.equal(ring.isFull(), true);
  assert.equal(ring.push(new Float32Array([2])), 0);
  assert.equal(ring.availableRead(), 8);
  assert.equal(ring.availableWrite(), 0);
});

test('views of another element type are rejected at construction', () => {
  const ring = RingBuffer.create(6, Float64Array);
  assert.throws(() => new RingBuffer(ring.buf, Float32Array), TypeError);
  assert.throws(() => new RingBuffer(new ArrayBuffer(64) as unknown as SharedArrayBuffer), TypeError);
  const other = new RingBuffer<Float64Array>(ring.buf, Float64Array);
  assert.equal(other.capacity, 6);
});

for (const seed of [1, 2, 3, 42, 1234]) {
  test(`seeded random push/pop against a reference queue, canaries intact (seed ${seed})`, () => {
    const rand = mulberry32(seed);
    const capacity = 1 + Math.floor(rand() * 300);
    const ring = RingBuffer.create(capacity);
    const reference: number[] = [];
    let counter = 0;
    for (let step = 0; step < 3000; step++) {
      const pad = 1 + Math.floor(rand() * 8);
      const len = Math.floor(rand() * (capacity * 1.5 + 2));
      if (rand() < 0.5) {
        // source with canaries around the region we push from
        const src = new Float32Array(len + 2 * pad).fill(CANARY);
        for (let i = 0; i < len; i++) src[pad + i] = counter + i;
        const expected = Math.min(len, capacity - reference.length);
        const n = ring.push(src, pad, len);
        assert.equal(n, expected);
        for (let i = 0; i < n; i++) reference.push(counter + i);
        counter += n;
        for (let i = 0; i < pad; i++) {
          assert.equal(src[i], CANARY);
          assert.equal(src[pad + len + i], CANARY);
        }
      } else {
        const dst = new Float32Array(len + 2 * pad).fill(CANARY);
        const expected = Math.min(len, reference.length);
        const n = ring.pop(dst, pad, len);
        assert.equal(n, expected);
        for (let i = 0; i < n; i++) assert.equal(dst[pad + i], reference.shift());
        // nothing outside [pad, pad + n) was touched
        for (let i = 0; i < pad; i++) assert.equal(dst[i], CANARY);
        for (let i = pad + n; i < dst.length; i++) assert.equal(dst[i], CANARY);
      }
      assert.equal(ring.availableRead(), reference.length);
      assert.equal(ring.availableWrite(), capacity - reference.length);
    }
  });
}

test('skip drops elements without copying', () => {
  const ring = RingBuffer.create(5);
  ring.push([1, 2, 3, 4]);
  assert.equal(ring.skip(3), 3);
  const dst = new Float32Array(4);
  assert.equal(ring.pop(dst), 1);
  assert.equal(dst[0], 4);
  assert.equal(ring.skip(10), 0);
});

function runWorker(data: SpscFixtureData): Promise<SpscFixtureResult> {
  return new Promise((resolve, reject) => {
    const w: Worker = startSiblingWorker(import.meta.url, 'spsc-fixture-worker', { workerData: data });
    w.once('message', (m: SpscFixtureResult) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}

test('cross-thread: every sample arrives exactly once and in order', async () => {
  const total = 2_000_000; // below 2^24 so every counter value is exact in float32
  const ring = RingBuffer.create(1000);
  const [, consumer] = await Promise.all([
    runWorker({ role: 'producer', sab: ring.buf, total, seed: 7, maxChunk: 300 }),
    runWorker({ role: 'consumer', sab: ring.buf, total, seed: 8, maxChunk: 257 }),
  ]);
  assert.equal(consumer.errors, 0, consumer.firstError);
  assert.equal(consumer.received, total);
  assert.equal(ring.availableRead(), 0);
});

// A pending Atomics.waitAsync does not keep Node's event loop alive (the engine's workers have
// their message ports for that): the tests hold it open with a timer.
const keepAlive = async (fn: () => Promise<void>): Promise<void> => {
  const t = setInterval(() => undefined, 1000);
  try {
    await fn();
  } finally {
    clearInterval(t);
  }
};

test('waitForPush wakes on a push after the mark, at once if one came before the wait', () => keepAlive(async () => {
  const ring = RingBuffer.create(16);
  const mark = ring.writeMark();
  ring.push([1, 2]); // between the mark and the wait: the wait must not sleep
  const t0 = performance.now();
  await ring.waitForPush(mark, 1000);
  assert.ok(performance.now() - t0 < 500);
  const mark2 = ring.writeMark();
  const woke = ring.waitForPush(mark2, 5000).then(() => performance.now());
  const pushedAt = performance.now();
  setTimeout(() => ring.push([3]), 20);
  assert.ok((await woke) - pushedAt < 1000, 'woken by the push, not the timeout');
  assert.equal(await ring.waitForPush(ring.writeMark(), 10), 'timed-out');
}));

test('waitForPop wakes the producer when the consumer pops', () => keepAlive(async () => {
  const ring = RingBuffer.create(4);
  ring.push([1, 2, 3, 4]);
  const mark = ring.readMark();
  const woke = ring.waitForPop(mark, 5000);
  setTimeout(() => ring.pop(new Float32Array(1)), 10);
  assert.equal(await woke, 'ok');
}));
