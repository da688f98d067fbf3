/**
 * The live engine headless (null output clock, buffer source, tiny fixture model): its output,
 * tapped after the mixer, equals the offline `--streaming` render; mixer changes made while it
 * runs take effect within one block plus the ramp and without clicks; the transport plays,
 * pauses, seeks and loops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultMixerState, type MixerState } from '../mixer/index.js';
import { repoPath } from '../paths.js';
import { AudioRing } from '../realtime/index.js';
import { LiveEngine, defaultDspQueueBlocks } from './live-engine.js';
import { LiveStat } from './live-shared.js';
import { maxStep, musicLike, referenceRender } from './reference-render.js';

const RATE = 48000;
const B = 256;
const K = 4;
const L = 1;
const LATENCY_MS = 500;
const TINY = repoPath('engine', 'model', 'fixtures', 'tiny');
const RAMP = Math.round((15 * RATE) / 1000); // the mixer's default ramp

async function framesReached(engine: LiveEngine, frames: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (engine.statsView[LiveStat.INPUT_FRAMES] < frames) {
    if (Date.now() > deadline) throw new Error(`engine stuck at ${engine.statsView[LiveStat.INPUT_FRAMES]} frames`);
    await sleep(5);
  }
}

function popAll(ring: AudioRing): Float32Array[] {
  const n = ring.availableReadFrames();
  const out = Array.from({ length: ring.nbChannels }, () => new Float32Array(n));
  ring.popPlanar(out, n);
  return out;
}

/** The tiny model on a looping buffer into the null output, its output tapped into `capture`. */
function startHeadless(source: Float32Array[], outputChannels: 2 | 4, capture: AudioRing): Promise<LiveEngine> {
  return LiveEngine.start({
    source: { kind: 'buffer', label: 'test', sampleRate: RATE, channels: source },
    output: { kind: 'null' },
    sampleRate: RATE,
    bufferFrames: B,
    outputChannels,
    model: TINY,
    threads: 1,
    hopInterval: K,
    lookahead: L,
    latencyMs: LATENCY_MS,
    capture,
  });
}

test('headless engine: output equals the offline --streaming render; gain, mute and solo act within one block, click-free', { timeout: 90000 }, async () => {
  const source = musicLike(8 * RATE, RATE, 3);
  const capture = AudioRing.create(8 * RATE, 4);
  const engine = await startHeadless(source, 4, capture);
  const calls: { frames: number; what: string }[] = [];
  const change = (what: string, edit: (s: MixerState) => void): void => {
    const next = engine.mixer;
    edit(next);
    calls.push({ frames: engine.statsView[LiveStat.INPUT_FRAMES], what });
    engine.setMixer(next);
  };
  try {
    await framesReached(engine, 1.5 * RATE);
    change('instrument −6.02 dB', (s) => (s.stems.instrument.gainDb = 20 * Math.log10(0.5)));
    await framesReached(engine, 2.0 * RATE);
    change('rest muted', (s) => (s.stems.rest.mute = true));
    await framesReached(engine, 2.5 * RATE);
    change('rest unmuted and soloed', (s) => {
      s.stems.rest.mute = false;
      s.stems.rest.solo = true;
    });
    await framesReached(engine, 3.2 * RATE);
  } finally {
    await engine.stop();
  }
  const report = engine.report();
  const [iL, iR, rL, rR] = popAll(capture);
  const n = iL.length;
  assert.equal(report.deadline_misses, 0, 'the tiny model must never miss with K=4 and 500 ms');
  const ref = await referenceRender(source.map((c) => c.subarray(0, n)), { modelDir: TINY, sampleRate: RATE, blockFrames: B, hopInterval: K, lookahead: L, latencyMs: LATENCY_MS });
  const D = ref.latencyFrames;
  assert.equal(D, engine.plan.latencyFrames);
  const expect = (stem: Float32Array, y: number): number => (y >= D ? stem[y - D] : 0);

  // 1. before any change: sample-for-sample the offline render (both stems, both channels)
  const [c1, c2, c3] = calls.map((c) => c.frames);
  let maxErr = 0;
  for (let y = 0; y < c1 - B; y++) {
    maxErr = Math.max(maxErr, Math.abs(iL[y] - expect(ref.instrument[0], y)), Math.abs(iR[y] - expect(ref.instrument[1], y)));
    maxErr = Math.max(maxErr, Math.abs(rL[y] - expect(ref.rest[0], y)), Math.abs(rR[y] - expect(ref.rest[1], y)));
  }
  assert.ok(maxErr < 1e-5, `live differs from the offline render by ${maxErr}`);

  // 2. each change: untouched before its block, complete one block + ramp after the call
  const gainOk = (y: number, g: number) => Math.abs(iL[y] - g * expect(ref.instrument[0], y)) < 1e-5;
  for (let y = c1 - B; y < c1 - B + 10; y++) assert.ok(gainOk(y - 20, 1), `gain changed too early at ${y - 20}`);
  for (let y = c1 + RAMP; y < c2 - B; y++) assert.ok(gainOk(y, 0.5), `instrument not at −6 dB at ${y} (${iL[y]} vs ${0.5 * expect(ref.instrument[0], y)})`);
  for (let y = c2 + RAMP; y < c3 - B; y++) assert.ok(rL[y] === 0, `rest not muted at ${y}`);
  // solo rest: instrument silent, rest back at unity
  for (let y = c3 + RAMP; y < n; y++) {
    assert.ok(iL[y] === 0, `instrument not silenced by solo at ${y}`);
    assert.ok(Math.abs(rL[y] - expect(ref.rest[0], y)) < 1e-5, `rest not back at ${y}`);
  }
  // 3. no click: around each change the output moves no more than the music itself does
  for (const [ch, name] of [[iL, 'instrument'], [rL, 'rest']] as const) {
    const steady = maxStep(ch, D + B, c1 - B);
    for (const c of [c1, c2, c3]) {
      const around = maxStep(ch, c - B, c + B + RAMP);
      assert.ok(around <= 1.05 * steady + 1e-4, `${name}: step ${around.toFixed(4)} around the change at ${c} vs ${steady.toFixed(4)} in the music`);
    }
  }
  console.log(`# headless live vs offline: max |error| ${maxErr.toExponential(2)} over ${((c1 - B) / RATE).toFixed(2)} s; latency ${report.latency_ms.toFixed(1)} ms (${report.latency_kind}); inference ${report.inference_ms_mean.toFixed(1)} ms`);
});

test('transport: pause fades to exact silence and freezes the position, seek jumps, loop stays inside A–B', { timeout: 60000 }, async () => {
  const source = musicLike(6 * RATE, RATE, 5);
  const capture = AudioRing.create(12 * RATE, 2);
  const engine = await startHeadless(source, 2, capture);
  try {
    const t0 = engine.transport();
    assert.equal(t0.available, true);
    assert.ok(Math.abs(t0.durationS - 6) < 1e-9);
    assert.deepEqual(t0.loop, { on: true, startS: 0, endS: 6 });
    await framesReached(engine, 1.2 * RATE);
    engine.play(false);
    const pausedAt = engine.statsView[LiveStat.INPUT_FRAMES];
    await framesReached(engine, pausedAt + 1.0 * RATE);
    const t1 = engine.transport();
    assert.equal(t1.playing, false);
    await framesReached(engine, pausedAt + 1.3 * RATE);
    assert.equal(engine.transport().positionS, t1.positionS, 'position frozen while paused');
    assert.ok(t1.positionS > 1.15 && t1.positionS < 1.35, `paused at ${t1.positionS} s`);
    // the tail of the pause is exact silence (input silent for longer than the separator delay)
    const out = popAll(capture);
    const tail = out[0].subarray(out[0].length - Math.round(0.2 * RATE));
    assert.ok(tail.every((v) => v === 0), 'output not silent during pause');
    const fade = out[0].subarray(pausedAt - B, pausedAt + B + 2 * RATE);
    const stepAt = fade.findIndex((v, i) => i > 0 && Math.abs(v - fade[i - 1]) === maxStep(fade));
    assert.ok(maxStep(fade) <= 1.05 * maxStep(out[0], engine.plan.latencyFrames + B, pausedAt) + 1e-4, `pause clicked: step ${maxStep(fade)} at ${stepAt} (D ${engine.plan.latencyFrames}, B ${B}) vs ${maxStep(out[0], engine.plan.latencyFrames + B, pausedAt)}, misses ${engine.report().deadline_misses}`);

    engine.seek(4);
    await sleep(50);
    assert.equal(engine.transport().positionS, 4, 'seek while paused is immediate');
    engine.setLoop(true, 4.2, 4.6);
    engine.play(true);
    const playAt = engine.statsView[LiveStat.INPUT_FRAMES];
    await framesReached(engine, playAt + 1.5 * RATE);
    const t2 = engine.transport();
    assert.equal(t2.playing, true);
    assert.deepEqual(t2.loop, { on: true, startS: 4.2, endS: 4.6 });
    assert.ok(t2.positionS >= 4.2 && t2.positionS < 4.6, `position ${t2.positionS} outside the loop`);
    assert.throws(() => engine.setLoop(true, 5, 4), { code: 'SS_ERR_BAD_OPTION' });
    assert.throws(() => engine.seek(Number.NaN), { code: 'SS_ERR_BAD_OPTION' });
  } finally {
    await engine.stop();
  }
});

test('the DSP queue default is counted in time: 8 ms, at least 2 blocks', () => {
  assert.equal(defaultDspQueueBlocks(256, 48000), 2);
  assert.equal(defaultDspQueueBlocks(128, 48000), 3);
  assert.equal(defaultDspQueueBlocks(64, 48000), 6);
  assert.equal(defaultDspQueueBlocks(64, 96000), 12);
  assert.equal(defaultDspQueueBlocks(1024, 44100), 2);
});
