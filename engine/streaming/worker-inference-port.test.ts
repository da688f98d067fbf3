import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../paths.js';
import { WorkerInferencePort } from './worker-inference-port.js';

const dir = repoPath('engine', 'model', 'fixtures', 'tiny');

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

test('the worker port returns the model mask through shared memory, in order, without blocking', async () => {
  const input = readF32(join(dir, 'parity-input.f32'));
  const expected = readF32(join(dir, 'parity-mask.f32'));
  const per = 769 * 64;
  const port = await WorkerInferencePort.start({ modelDir: dir, nbBins: 769, chunkFrames: 64, threads: 1, slots: 4 });
  try {
    const out = new Float32Array(per);
    port.submit(0, input.subarray(0, per));
    port.submit(1, input.subarray(per, 2 * per));
    assert.equal(port.poll(1, out), false, 'not ready at once: poll never waits');
    await port.wait(0, out);
    let d = 0;
    for (let i = 0; i < per; i++) d = Math.max(d, Math.abs(out[i] - expected[i]));
    assert.ok(d < 1e-4, `item 0 diff ${d}`);
    await port.wait(1, out);
    for (let i = 0; i < per; i++) d = Math.max(d, Math.abs(out[i] - expected[per + i]));
    assert.ok(d < 1e-4, `item 1 diff ${d}`);
    // A dropped request is never answered.
    port.submit(2, input.subarray(0, per));
    port.drop(2);
    port.submit(3, input.subarray(2 * per, 3 * per));
    await port.wait(3, out);
    assert.ok(out.every((v) => v === 0), 'silence → mask 0');
    assert.equal(port.poll(2, out), false);
    assert.ok(port.stats.count >= 3 && port.stats.meanMs > 0);
  } finally {
    await port.close();
  }
});

test('a broken model directory fails at start with a clear error', async () => {
  await assert.rejects(
    WorkerInferencePort.start({ modelDir: '/nonexistent/model', nbBins: 769, chunkFrames: 64 }),
    /inference worker failed to start|model folder not found/,
  );
});
