import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamRing, type ParamMessage } from './param-ring.js';
import { startSiblingWorker } from './sibling-worker.js';
import type { SpscFixtureResult } from './spsc-fixture-worker.js';

test('messages come out in order with exact index and float64 value', () => {
  const ring = ParamRing.create(4);
  assert.equal(ring.enqueue(3, -6.25), true);
  assert.equal(ring.enqueue(0xffffffff, 1 / 3), true);
  const msg: ParamMessage = { paramIndex: -1, value: NaN };
  assert.equal(ring.dequeue(msg), true);
  assert.deepEqual(msg, { paramIndex: 3, value: -6.25 });
  assert.equal(ring.dequeue(msg), true);
  assert.deepEqual(msg, { paramIndex: 0xffffffff, value: 1 / 3 });
  assert.equal(ring.dequeue(msg), false);
  assert.deepEqual(msg, { paramIndex: 0xffffffff, value: 1 / 3 }, 'a failed dequeue leaves out untouched');
});

test('a full ring refuses messages instead of overwriting', () => {
  const ring = ParamRing.create(3);
  assert.equal(ring.enqueue(1, 1), true);
  assert.equal(ring.enqueue(2, 2), true);
  assert.equal(ring.enqueue(3, 3), true);
  assert.equal(ring.enqueue(4, 4), false);
  assert.equal(ring.availableRead(), 3);
  const msg: ParamMessage = { paramIndex: 0, value: 0 };
  ring.dequeue(msg);
  assert.equal(msg.paramIndex, 1);
  assert.equal(ring.enqueue(5, 5), true);
  const seen: number[] = [];
  while (ring.dequeue(msg)) seen.push(msg.paramIndex);
  assert.deepEqual(seen, [2, 3, 5]);
});

test('a non-param buffer is rejected', () => {
  assert.throws(() => new ParamRing(new SharedArrayBuffer(16 + 4 * 4)), TypeError);
});

function run(role: 'param-producer' | 'param-consumer', sab: SharedArrayBuffer, total: number): Promise<SpscFixtureResult> {
  return new Promise((resolve, reject) => {
    const w = startSiblingWorker(import.meta.url, 'spsc-fixture-worker', { workerData: { role, sab, total, seed: 1, maxChunk: 1 } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

test('cross-thread: no message is lost, torn or reordered', async () => {
  const ring = ParamRing.create(64);
  const total = 100_000;
  const [, consumer] = await Promise.all([run('param-producer', ring.buf, total), run('param-consumer', ring.buf, total)]);
  assert.equal(consumer.errors, 0, consumer.firstError);
  assert.equal(consumer.received, total);
});
