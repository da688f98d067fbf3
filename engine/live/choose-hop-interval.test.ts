import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseHopInterval, chooseLookahead } from './choose-hop-interval.js';

const hopMs = (1000 * 384) / 22050; // 17.41 ms

test('K covers the mean inference with 40 % to spare', () => {
  assert.equal(chooseHopInterval(5, { hopMs, chunkFrames: 64 }), 1); // 5 ≤ 10.4
  assert.equal(chooseHopInterval(10.4, { hopMs, chunkFrames: 64 }), 1);
  assert.equal(chooseHopInterval(11, { hopMs, chunkFrames: 64 }), 2);
  assert.equal(chooseHopInterval(23, { hopMs, chunkFrames: 64 }), 3); // 23 / 10.45 = 2.2
  assert.equal(chooseHopInterval(40, { hopMs, chunkFrames: 64 }), 4);
  for (const ms of [1, 7, 19, 33, 80, 150]) {
    const k = chooseHopInterval(ms, { hopMs, chunkFrames: 64 });
    assert.ok(ms <= 0.6 * k * hopMs + 1e-9, `${ms} ms → K=${k}`);
    if (k > 1) assert.ok(ms > 0.6 * (k - 1) * hopMs, `${ms} ms → K=${k} is not the smallest`);
  }
});

test('K is clamped to half the window; odd inputs give K=1', () => {
  assert.equal(chooseHopInterval(5000, { hopMs, chunkFrames: 64 }), 32);
  assert.equal(chooseHopInterval(Number.NaN, { hopMs, chunkFrames: 64 }), 1);
  assert.equal(chooseHopInterval(0, { hopMs, chunkFrames: 64 }), 1);
  assert.equal(chooseHopInterval(30, { hopMs, chunkFrames: 64, maxShare: 0.9 }), 2);
});

test('L is the largest lookahead whose budget still holds twice the inference', () => {
  // A 120 ms latency with 90 ms of structural delay at L = 0: each L takes a 17.4 ms hop.
  const budget = (l: number) => 120 - 90 - l * hopMs;
  assert.equal(chooseLookahead(budget, 6, { maxLookahead: 4 }), 1); // 12.6 ≥ 12
  assert.equal(chooseLookahead(budget, 7, { maxLookahead: 4 }), 0); // 12.6 < 14
  assert.equal(chooseLookahead(budget, 1, { maxLookahead: 4 }), 1); // L = 2 leaves −4.8 ms
  assert.equal(chooseLookahead((l) => 500 - l * hopMs, 10, { maxLookahead: 4 }), 4); // capped
  assert.equal(chooseLookahead((l) => 500 - l * hopMs, 10, { maxLookahead: 4, safety: 50 }), 0);
  // NaN: the latency cannot hold that L at all
  assert.equal(chooseLookahead((l) => (l > 2 ? Number.NaN : 100), 10, { maxLookahead: 4 }), 2);
});

test('at a fixed latency, K also leaves the deadline twice the inference, or the best compromise', () => {
  // 135 ms with 92 ms of structural delay at K = 1; every further hop of K takes 17.4 ms of it
  const budgetMs = (k: number) => 135 - 92 - (k - 1) * hopMs + hopMs;
  // 19 ms: throughput alone wants K = 2 (19 > 10.4); K = 2 leaves 43 ms ≥ 38
  assert.equal(chooseHopInterval(19, { hopMs, chunkFrames: 64, budgetMs }), 2);
  // 22 ms: throughput alone would take K = 3 (22 > 20.9), whose deadline is 25.6 ms: a sure miss.
  // K = 2 keeps the deadline at 43 ms (ratio 0.98) and the throughput ratio 0.95: the compromise.
  assert.equal(chooseHopInterval(22, { hopMs, chunkFrames: 64 }), 3);
  assert.equal(chooseHopInterval(22, { hopMs, chunkFrames: 64, budgetMs }), 2);
  // a K the latency cannot hold at all is never chosen
  assert.equal(chooseHopInterval(5, { hopMs, chunkFrames: 64, budgetMs: (k) => (k === 1 ? Number.NaN : 60) }), 2);
  // no K fits at all: the throughput choice stands
  assert.equal(chooseHopInterval(11, { hopMs, chunkFrames: 64, budgetMs: () => Number.NaN }), 2);
});
