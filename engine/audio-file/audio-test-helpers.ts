/** Shared helpers for this folder's tests (fixture paths, temp dirs, error assertions). */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StemstreamError, type ErrorCode } from '../errors.js';
import { repoPath } from '../paths.js';

/** Absolute path of a file in engine/audio-file/fixtures (works from engine/ and dist/engine/). */
export function fixture(name: string): string {
  return repoPath('engine', 'audio-file', 'fixtures', name);
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'stemstream-audio-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Asserts that `p` rejects with a StemstreamError of `code` whose message matches `message`. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StemstreamError, `expected StemstreamError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** 0.5 * sin(2 pi f t): the sox-made fixtures' content. */
export function sine(freqHz: number, sampleRate: number, nbFrames: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(nbFrames);
  for (let i = 0; i < nbFrames; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return x;
}

/** Largest absolute difference over [from, to). */
export function maxAbsDiff(a: Float32Array, b: Float32Array, from = 0, to = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
