import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioRing } from '../realtime/index.js';
import type { BackendStreamConfig } from './backend.js';
import { Counter, createCounters } from './device-counters.js';
import { FakeBackend } from './fake-backend.js';
import { StreamPump } from './stream-pump.js';

const FRAMES = 64;

function setup(inputChannels: 0 | 2, outputChannels: 0 | 2 | 4, ringFrames = 1024) {
  const config: BackendStreamConfig = { api: 'null', sampleRate: 48000, bufferFrames: FRAMES, inputChannels, outputChannels, streamName: 't', autoConnect: false };
  const backend = new FakeBackend();
  const input = inputChannels ? AudioRing.create(ringFrames, inputChannels) : null;
  const output = outputChannels ? AudioRing.create(ringFrames, outputChannels) : null;
  const counters = createCounters();
  const pump = new StreamPump(input, output, counters, 2, 2, () => 0);
  const stream = backend.open(config, { onInput: (d) => pump.onInput(d), onOutputConsumed: () => pump.onOutputConsumed(), onError: () => {} });
  pump.attach(stream, config.sampleRate);
  return { pump, input, output, counters, stream: backend.current };
}

const ramp = (n: number, start: number): Float32Array => Float32Array.from({ length: n }, (_, i) => start + i);

test('duplex: input reaches the input ring; output ring plays after the silent prefill', () => {
  const { input, output, counters, stream } = setup(2, 2);
  assert.equal(stream.queue.length, 2, 'prefill queued before start');
  const engineOut = ramp(10 * FRAMES * 2, 1);
  output!.pushInterleaved(engineOut, 10 * FRAMES);
  for (let p = 0; p < 6; p++) stream.period(ramp(FRAMES * 2, 1000 * p));
  // the device played 2 silent prefill blocks, then the engine's samples in order
  assert.deepEqual(stream.played.slice(0, 2 * FRAMES * 2), new Array(2 * FRAMES * 2).fill(0));
  assert.deepEqual(stream.played.slice(2 * FRAMES * 2), [...engineOut.subarray(0, 4 * FRAMES * 2)]);
  assert.equal(input!.availableReadFrames(), 6 * FRAMES);
  const got = new Float32Array(FRAMES * 2);
  input!.popInterleaved(got, FRAMES);
  assert.deepEqual(got, ramp(FRAMES * 2, 0));
  assert.equal(counters[Counter.FRAMES_IN], 6 * FRAMES);
  assert.equal(counters[Counter.FRAMES_OUT], 6 * FRAMES);
  assert.equal(counters[Counter.UNDERFLOW_FRAMES], 0);
});

test('a short output ring is padded with silence and counted as underflow', () => {
  const { output, counters, stream } = setup(2, 2);
  output!.pushInterleaved(ramp(FRAMES / 2 * 2, 1), FRAMES / 2);
  stream.period();
  stream.period();
  stream.period();
  assert.equal(counters[Counter.UNDERFLOW_FRAMES], FRAMES / 2 + 2 * FRAMES);
  // after the 2 prefill blocks the device played the half block, then zeros
  const third = stream.played.slice(2 * FRAMES * 2, 3 * FRAMES * 2);
  assert.deepEqual(third.slice(0, FRAMES), [...ramp(FRAMES, 1)]);
  assert.ok(third.slice(FRAMES).every((v) => v === 0));
});

test('a full input ring drops frames and counts overflow', () => {
  const { counters, stream } = setup(2, 0, 100);
  stream.period();
  stream.period();
  assert.equal(counters[Counter.OVERFLOW_FRAMES], 2 * FRAMES - 100);
  assert.equal(counters[Counter.FRAMES_IN], 2 * FRAMES);
});

test('output-only streams are clocked by consumed blocks', () => {
  const { output, counters, stream } = setup(0, 4);
  output!.pushInterleaved(ramp(8 * FRAMES * 4, 1), 8 * FRAMES);
  for (let p = 0; p < 5; p++) stream.period();
  assert.equal(counters[Counter.CALLBACKS], 5);
  assert.equal(stream.queue.length, 2, 'one block written per consumed block keeps the prefill depth');
  assert.equal(counters[Counter.FRAMES_OUT], 5 * FRAMES);
});

test('a late worker is counted as device silence, and latency does not grow after it catches up', () => {
  const { pump, output, counters, stream } = setup(2, 2, 8192);
  output!.pushInterleaved(ramp(60 * FRAMES * 2, 1), 60 * FRAMES);
  stream.period();
  // the JS thread stalls for 8 periods: the queue (2 blocks) runs dry, the device plays silence
  for (let p = 0; p < 8; p++) stream.period(undefined, true);
  assert.equal(stream.silentPeriods, 6, 'the 2 queued blocks cover 2 of the 8 periods');
  stream.deliver();
  pump.tick();
  // exact but for one period of slack for a callback still in flight
  assert.ok(counters[Counter.DEVICE_SILENT_BLOCKS] >= stream.silentPeriods - 1 && counters[Counter.DEVICE_SILENT_BLOCKS] <= stream.silentPeriods);
  // catching up must not leave 8 blocks queued (that would be 8 periods of extra latency for good)
  assert.ok(stream.queue.length <= 2 + 2 + 1, `queue depth ${stream.queue.length}`);
  assert.ok(counters[Counter.DROPPED_OUTPUT_BLOCKS] > 0);
  for (let p = 0; p < 20; p++) stream.period();
  assert.ok(stream.queue.length <= 2 + 2 + 1);
});

test('duplex: frames that arrive after an underflow are skipped, so the latency stays as planned', () => {
  const { output, counters, stream } = setup(2, 2);
  const block = (k: number) => ramp(FRAMES * 2, 1000 * k + 1);
  output!.pushInterleaved(block(1), FRAMES);
  stream.period(); // writes block 1
  stream.period(); // ring empty: silence, one block of debt
  assert.equal(counters[Counter.UNDERFLOW_FRAMES], FRAMES);
  output!.pushInterleaved(block(2), FRAMES); // the late block
  stream.period(); // only the late block is there: nothing beyond the next block, so it plays
  assert.equal(counters[Counter.TRIMMED_FRAMES], 0);
  output!.pushInterleaved(block(3), FRAMES);
  output!.pushInterleaved(block(4), FRAMES);
  output!.pushInterleaved(block(5), FRAMES);
  stream.period(); // two blocks beyond the next: skip one (the debt), queue block 4
  stream.period(); // queue block 5
  stream.period();
  stream.period();
  assert.equal(counters[Counter.TRIMMED_FRAMES], FRAMES);
  const n = FRAMES * 2;
  const played = stream.played.slice(2 * n); // after the prefill
  assert.deepEqual(played.slice(0, n), [...block(1)]);
  assert.ok(played.slice(n, 2 * n).every((v) => v === 0));
  assert.deepEqual(played.slice(2 * n, 3 * n), [...block(2)]);
  assert.deepEqual(played.slice(3 * n, 4 * n), [...block(4)]);
  assert.deepEqual(played.slice(4 * n, 5 * n), [...block(5)]);
});

test('output-only streams keep no underflow debt (the engine paces them by its queue)', () => {
  const { output, counters, stream } = setup(0, 2);
  stream.period(); // plays prefill; the ring is empty: silence is queued
  for (let k = 0; k < 4; k++) output!.pushInterleaved(ramp(FRAMES * 2, k), FRAMES);
  for (let k = 0; k < 4; k++) stream.period();
  assert.ok(counters[Counter.UNDERFLOW_FRAMES] > 0);
  assert.equal(counters[Counter.TRIMMED_FRAMES], 0);
});
