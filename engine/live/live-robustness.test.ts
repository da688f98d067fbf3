/**
 * Failures a user can cause end in a StemstreamError with a stable code — no crash, no hang:
 * a missing model, a broken model file, an unreadable input file, an audio device that cannot be
 * opened (twice in a row: audify once aborted the process on the second try).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../paths.js';
import { LiveEngine, loadBufferSource, type LiveOptions } from './live-engine.js';

const TINY = repoPath('engine', 'model', 'fixtures', 'tiny');
const RATE = 48000;
const silent = [new Float32Array(RATE), new Float32Array(RATE)];

function options(over: Partial<LiveOptions>): LiveOptions {
  return {
    source: { kind: 'buffer', label: 'test', sampleRate: RATE, channels: silent },
    output: { kind: 'null' },
    sampleRate: RATE,
    bufferFrames: 256,
    outputChannels: 2,
    model: TINY,
    threads: 1,
    hopInterval: 4,
    lookahead: 1,
    latencyMs: 400,
    ...over,
  };
}

test('a missing model is SS_ERR_UNKNOWN_MODEL or SS_ERR_FILE_NOT_FOUND', { timeout: 30000 }, async () => {
  await assert.rejects(LiveEngine.start(options({ model: join(tmpdir(), 'no-such-model-dir-ss') })), (e: { code?: string }) => e.code === 'SS_ERR_UNKNOWN_MODEL' || e.code === 'SS_ERR_FILE_NOT_FOUND');
});

test('a model whose ONNX file is garbage is SS_ERR_BAD_MODEL (the DSP and inference workers end)', { timeout: 30000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-badmodel-'));
  try {
    copyFileSync(join(TINY, 'model.json'), join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.onnx'), 'not an onnx graph');
    await assert.rejects(LiveEngine.start(options({ model: dir })), { code: 'SS_ERR_BAD_MODEL' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a latency below the structural minimum is SS_ERR_BAD_OPTION naming the floor', { timeout: 30000 }, async () => {
  await assert.rejects(LiveEngine.start(options({ latencyMs: 20 })), (e: { code?: string; message: string }) => e.code === 'SS_ERR_BAD_OPTION' && /window alone is 69\.7 ms/.test(e.message));
});

test('an input file that cannot be read is a clear StemstreamError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-badaudio-'));
  try {
    const path = join(dir, 'broken.wav');
    writeFileSync(path, 'RIFF....WAVEjunk');
    await assert.rejects(loadBufferSource(path, RATE), (e: { code?: string; message: string }) => typeof e.code === 'string' && e.code.startsWith('SS_ERR_') && e.message.includes('broken.wav'));
    await assert.rejects(loadBufferSource(join(dir, 'missing.wav'), RATE), (e: { code?: string }) => e.code === 'SS_ERR_FILE_NOT_FOUND');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an audio device that cannot be opened is SS_ERR_DEVICE, twice in a row, and the process lives on', { timeout: 60000 }, async () => {
  for (let i = 0; i < 2; i++) {
    await assert.rejects(LiveEngine.start(options({ output: { kind: 'device', outputDevice: 987654 }, api: 'default' })), { code: 'SS_ERR_DEVICE' });
  }
  // and a good engine still starts afterwards
  const engine = await LiveEngine.start(options({}));
  await engine.stop();
});
