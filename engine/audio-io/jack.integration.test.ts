/**
 * Real device test through JACK (dummy driver, no sound card): a duplex stream through audify's
 * JACK API with its own output ports connected to its own input ports. Checks that every sample
 * comes back exactly once (no drop, no repeat) and measures the round-trip latency in frames.
 * Then kills the JACK server under the stream and restarts it: the device must report the loss
 * and resume by itself.
 *
 * Skipped when `jackd` is not installed, unless CI is set (then it fails).
 * STEMSTREAM_JACK_SECONDS sets the loopback length (default 5; CI's long variant uses >= 20).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { AudioRing } from '../realtime/index.js';
import { AudioDevice } from './audio-device.js';
import { RtAudioApi } from './backend.js';
import { isApiCompiled } from './audify-backend.js';
import { JackServer, hasCommand } from './jack-server.js';

const RATE = 48000;
const PERIOD = 256;
const SECONDS = Number(process.env.STEMSTREAM_JACK_SECONDS ?? 5);
// output queue depth = how late the (non-real-time) worker may answer: 3 × 5.3 ms. 2 held on an
// idle machine; a runner with other jobs on the same cores needs the extra period.
const PREFILL = Number(process.env.STEMSTREAM_JACK_PREFILL ?? 3);
const haveJack = hasCommand('jackd') && hasCommand('jack_lsp') && hasCommand('jack_connect');
const skip = haveJack ? false : process.env.CI ? false : 'jackd is not installed (apt-get install jackd2); set CI=1 to make this a failure';

let server: JackServer;
const devices: AudioDevice[] = [];

before(async () => {
  if (skip) return;
  assert.ok(haveJack, 'CI is set but jackd / jack_lsp / jack_connect are not installed');
  server = new JackServer({ sampleRate: RATE, periodFrames: PERIOD });
  await server.start();
});

after(async () => {
  for (const d of devices) await d.close();
  // SIGTERM: jackd unregisters from JACK's shared registry (stop() escalates to SIGKILL after 3 s)
  if (server !== undefined) await server.stop();
});

/** Seeded noise that is never exactly zero, so silence and signal cannot be confused. */
function noise(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296; // [0, 1)
    out[i] = (u < 0.5 ? -1 : 1) * (0.05 + 0.85 * Math.abs(2 * u - 1));
  }
  return out;
}

/** Resolve with the promise's value, or 'timeout' after `ms` (the timer never outlives the race). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Index in `hay` where `needle` correlates best (plain dot product). */
function bestOffset(hay: Float32Array, needle: Float32Array): number {
  let best = -Infinity;
  let at = -1;
  for (let j = 0; j + needle.length <= hay.length; j++) {
    let s = 0;
    for (let i = 0; i < needle.length; i++) s += hay[j + i] * needle[i];
    if (s > best) {
      best = s;
      at = j;
    }
  }
  return at;
}

function connectLoopback(client: string): void {
  const ports = server.ports();
  for (const c of [0, 1]) {
    const out = ports.find((p) => p === `${client}:outport ${c}`);
    const inp = ports.find((p) => p === `${client}:inport ${c}`);
    assert.ok(out !== undefined && inp !== undefined, `ports of ${client} not found in:\n${ports.join('\n')}`);
    server.connect(out, inp);
  }
}

test('audify was built with JACK support', { skip }, () => {
  assert.ok(isApiCompiled(RtAudioApi.UNIX_JACK), 'audify has no JACK API: install libjack-jackd2-dev, then `npm_config_build_from_source=audify npm rebuild audify`');
});

test(`JACK loopback: ${SECONDS} s of stereo noise come back with no dropped or repeated sample`, { skip, timeout: (SECONDS + 30) * 1000 }, async () => {
  const total = Math.round(SECONDS * RATE);
  const left = noise(total, 1);
  const right = noise(total, 2);
  // the signal is in the output ring before the stream starts, so output frame P·B + j is
  // signal frame j exactly (P = prefill blocks, B = period): that fixes the latency reference
  const prefill = PREFILL;
  const output = AudioRing.create(total + 4 * PERIOD, 2);
  output.pushPlanar([left, right], total);
  const input = AudioRing.create(total + 10 * RATE, 2);
  const device = await AudioDevice.open({ api: 'jack', sampleRate: RATE, bufferFrames: PERIOD, inputChannels: 2, outputChannels: 2, prefillBlocks: prefill, autoConnect: false, streamName: 'sstest', inputRing: input, outputRing: output });
  devices.push(device);
  assert.equal(device.apiName, 'Jack');
  assert.equal(device.bufferFrames, PERIOD);
  connectLoopback('sstest');

  // let the whole signal play, plus a margin for the round trip
  const deadline = Date.now() + (SECONDS + 5) * 1000;
  while (device.stats().framesOut < (prefill * PERIOD + total + 8 * PERIOD) && Date.now() < deadline) await sleep(100);
  // Counters are final only once the stream has stopped: read them after close, or a last
  // period can land in the ring after the snapshot.
  await device.close();
  const stats = device.stats();

  const n = input.availableReadFrames();
  const inL = new Float32Array(n);
  const inR = new Float32Array(n);
  input.popPlanar([inL, inR], n);
  assert.equal(n, stats.framesIn, 'every input frame reached the ring');
  assert.equal(stats.overflowFrames, 0);

  // the loop was closed a little after the start, one channel after the other (two jack_connect
  // calls): the overlap starts where both channels carry signal
  const k0 = Math.max(inL.findIndex((v) => v !== 0), inR.findIndex((v) => v !== 0));
  assert.ok(inL.some((v) => v !== 0) && inR.some((v) => v !== 0), 'nothing came back through the loopback');
  // find which signal frame that is by correlation over the whole signal
  const template = inL.subarray(k0, k0 + 256);
  const j0 = bestOffset(left, template);
  // device round trip: output frame → input frame (JACK's own loop)
  const latency = k0 - (prefill * PERIOD + j0);
  // what the engine sees: a frame written to the output ring comes back in the input ring after
  // the prefill queue plus the device round trip
  const ringToRing = latency + prefill * PERIOD;
  // exact equality of the whole overlapping segment, both channels (catches drops, repeats, swaps)
  const overlap = Math.min(total - j0, n - k0);
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < overlap; i++) {
    if (inL[k0 + i] !== left[j0 + i] || inR[k0 + i] !== right[j0 + i]) {
      if (first < 0) first = i;
      mismatches++;
    }
  }
  const report = `device round trip ${latency} frames (${((1000 * latency) / RATE).toFixed(2)} ms, ${(latency / PERIOD).toFixed(2)} periods), output ring → input ring ${ringToRing} frames (${((1000 * ringToRing) / RATE).toFixed(2)} ms), overlap ${overlap} frames (${(overlap / RATE).toFixed(2)} s), loop closed at signal frame ${j0}, device silent blocks ${stats.deviceSilentBlocks}, underflow frames ${stats.underflowFrames}`;
  console.log(`# jack loopback: ${report}`);
  assert.equal(mismatches, 0, `${mismatches} mismatching frames from overlap frame ${first} (${stats.deviceSilentBlocks} device periods played silence: the worker answered late); ${report}`);
  assert.ok(overlap > total - RATE * 2, `the loop closed too late to check most of the signal: ${report}`);
  assert.ok(j0 + overlap === total, 'the whole rest of the signal came back');
  assert.ok(latency > 0 && latency <= 8 * PERIOD, `latency ${latency} frames`);
  assert.equal(stats.deviceSilentBlocks, 0);
});

test('JACK server killed and restarted: the device reports the loss and resumes by itself', { skip, timeout: 30000 }, async () => {
  const device = await AudioDevice.open({ api: 'jack', sampleRate: RATE, bufferFrames: PERIOD, inputChannels: 2, outputChannels: 2, autoConnect: false, streamName: 'ssloss', retryMs: 300 });
  devices.push(device);
  await sleep(200);
  assert.ok(device.stats().framesIn > 0);
  const lost = once(device, 'lost');
  await server.stop('SIGKILL'); // the audio system vanishes without a goodbye
  const lostArgs = await within(lost, 8000);
  assert.notEqual(lostArgs, 'timeout', 'no loss reported within 8 s');
  const [reason] = lostArgs as [string];
  assert.equal(device.stats().state, 'lost');
  const restored = once(device, 'restored');
  await sleep(700); // a few failed retries while the server is down
  await server.start();
  const restoredArgs = await within(restored, 10000);
  assert.notEqual(restoredArgs, 'timeout', 'not restored within 10 s of the server coming back');
  const [info] = restoredArgs as [{ attempts: number }];
  const before = device.stats().framesIn;
  await sleep(300);
  const s = device.stats();
  assert.equal(s.state, 'running');
  assert.ok(s.framesIn > before, 'input flows again');
  assert.equal(s.losses, 1);
  assert.equal(s.restarts, 1);
  console.log(`# jack restart: loss reported as "${reason}", restored after ${info.attempts} attempts`);
});
