import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AudioDevice } from './audio-device.js';
import { StemstreamError } from '../errors.js';

test('invalid options are rejected with SS_ERR_BAD_OPTION before any worker starts', async () => {
  const cases = [{ sampleRate: 22050 }, { bufferFrames: 32 }, { bufferFrames: 2048 }, { outputChannels: 3 as 2 }, { inputChannels: 0 as const, outputChannels: 0 as const }, { api: 'nope' as 'jack' }];
  for (const c of cases) {
    await assert.rejects(AudioDevice.open({ api: 'null', ...c }), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION');
  }
});

test('null device: a worker clock consumes the output ring at the nominal rate and counts underflow', async () => {
  const device = await AudioDevice.open({ api: 'null', sampleRate: 48000, bufferFrames: 256, outputChannels: 4, prefillBlocks: 2 });
  try {
    assert.equal(device.apiName, 'Null');
    assert.equal(device.bufferFrames, 256);
    const out = device.output!;
    assert.equal(out.nbChannels, 4);
    const frames = 48000 * 0.1; // 100 ms of audio, then the ring runs dry
    out.pushInterleaved(new Float32Array(frames * 4).fill(0.25), frames);
    const t0 = performance.now();
    await sleep(400);
    const elapsed = (performance.now() - t0) / 1000;
    const s = device.stats();
    assert.equal(s.state, 'running');
    // one period per 5.33 ms: frames out follow the wall clock (loose bounds: shared 2-core CI box)
    assert.ok(s.framesOut > 0.6 * elapsed * 48000 && s.framesOut < 1.2 * elapsed * 48000 + 2048, `framesOut ${s.framesOut} in ${elapsed}s`);
    assert.equal(out.availableReadFrames(), 0);
    assert.ok(s.underflowFrames >= s.framesOut - frames - 256, `underflow ${s.underflowFrames}`);
    assert.ok(device.input!.availableReadFrames() > 0, 'silent input periods arrive too');
  } finally {
    await device.close();
  }
  assert.equal(device.stats().state, 'closed');
});
