import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioRing } from '../realtime/index.js';
import type { BackendStreamConfig } from './backend.js';
import { Counter, DeviceState, createCounters } from './device-counters.js';
import { FakeBackend, ManualClock } from './fake-backend.js';
import { StreamPump } from './stream-pump.js';
import { StreamSupervisor, type DeviceEvent } from './stream-supervisor.js';

const FRAMES = 128;
const config: BackendStreamConfig = { api: 'null', sampleRate: 48000, bufferFrames: FRAMES, inputChannels: 2, outputChannels: 2, streamName: 't', autoConnect: false };
const options = { retryMs: 1000, watchdogMs: 100, stallMs: 500 };

function setup() {
  const clock = new ManualClock();
  const backend = new FakeBackend();
  const input = AudioRing.create(4096, 2);
  const output = AudioRing.create(4096, 2);
  const counters = createCounters();
  const pump = new StreamPump(input, output, counters, 2, 2, () => clock.now());
  const events: DeviceEvent[] = [];
  const sup = new StreamSupervisor(backend, config, pump, counters, (e) => events.push(e), options, clock);
  return { clock, backend, input, output, counters, events, sup };
}

/** Run device periods while advancing the clock by one period each. */
function play(s: ReturnType<typeof setup>, periods: number, value = 0): void {
  for (let i = 0; i < periods; i++) {
    s.backend.current.period(new Float32Array(FRAMES * 2).fill(value));
    s.clock.advance((1000 * FRAMES) / 48000);
  }
}

test('a device that disappears is reported, retried every retryMs, and resumed into the same rings', () => {
  const s = setup();
  s.sup.start();
  assert.deepEqual(s.events, [{ type: 'opened', bufferFrames: FRAMES, apiName: 'Fake' }]);
  assert.equal(s.counters[Counter.STATE], DeviceState.RUNNING);
  play(s, 10, 1);
  assert.equal(s.input.availableReadFrames(), 10 * FRAMES);

  // the audio server goes away: the stream is closed under us
  s.backend.current.alive = false;
  s.backend.available = false;
  s.clock.advance(options.watchdogMs);
  assert.equal(s.events.at(-1)?.type, 'lost');
  assert.equal(s.counters[Counter.STATE], DeviceState.LOST);
  assert.equal(s.counters[Counter.LOSSES], 1);
  assert.equal(s.backend.streams[0].closed, true);

  const opensBefore = s.backend.opens;
  s.clock.advance(3 * options.retryMs);
  assert.equal(s.backend.opens - opensBefore, 3, 'one attempt per retry period');
  assert.equal(s.counters[Counter.STATE], DeviceState.LOST);

  s.backend.available = true;
  s.clock.advance(options.retryMs);
  assert.deepEqual(s.events.at(-1), { type: 'restored', bufferFrames: FRAMES, attempts: 4 });
  assert.equal(s.counters[Counter.STATE], DeviceState.RUNNING);
  assert.equal(s.counters[Counter.RESTARTS], 1);
  const fresh = s.backend.current;
  assert.notEqual(fresh, s.backend.streams[0]);
  assert.equal(fresh.started, true);
  assert.equal(fresh.queue.length, 2, 'the new stream is primed again');
  s.output.pushInterleaved(new Float32Array(FRAMES * 2).fill(0.5), FRAMES);
  play(s, 3, 2);
  assert.equal(s.input.availableReadFrames(), 13 * FRAMES, 'input keeps flowing into the same ring');
  assert.ok(fresh.played.includes(0.5), 'output keeps flowing from the same ring');
  assert.equal(s.sup.stateCode, DeviceState.RUNNING);
});

test('callbacks that stop coming count as a loss after stallMs', () => {
  const s = setup();
  s.sup.start();
  play(s, 5);
  s.clock.advance(options.stallMs - 50);
  assert.equal(s.counters[Counter.STATE], DeviceState.RUNNING);
  s.clock.advance(200);
  assert.equal(s.counters[Counter.STATE], DeviceState.LOST);
  assert.match((s.events.at(-1) as { message: string }).message, /no audio callback/);
});

test('a fatal backend error is a loss; warnings are only forwarded', () => {
  const s = setup();
  s.sup.start();
  s.backend.current.fail('RtApiJack: xrun storm');
  assert.deepEqual(s.events.at(-1), { type: 'lost', message: 'RtApiJack: xrun storm' });
  s.clock.advance(options.retryMs);
  assert.equal(s.events.at(-1)?.type, 'restored');
});

test('a device that cannot be opened at all fails start() and schedules nothing', () => {
  const s = setup();
  s.backend.available = false;
  assert.throws(() => s.sup.start(), /not present/);
  assert.equal(s.counters[Counter.STATE], DeviceState.FAILED);
  assert.equal(s.clock.pending(), 0);
});

test('close() stops retries and the watchdog', () => {
  const s = setup();
  s.sup.start();
  s.backend.current.alive = false;
  s.clock.advance(options.watchdogMs);
  s.sup.close();
  assert.equal(s.clock.pending(), 0);
  assert.equal(s.events.at(-1)?.type, 'closed');
  assert.equal(s.counters[Counter.STATE], DeviceState.CLOSED);
});
