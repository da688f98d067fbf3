import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoPath } from '../paths.js';
import { loadModel, readModelPackage } from './index.js';

function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

for (const name of ['tiny', 'small', 'head', 'recurrent', 'ensemble']) {
  test(`onnxruntime-node gives PyTorch's mask for the same weights and input (${name} fixture)`, async () => {
    const dir = repoPath('engine', 'model', 'fixtures', name);
    const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as { shape: number[]; tolerance_max_abs: number };
    const input = readF32(join(dir, 'parity-input.f32'));
    const expected = readF32(join(dir, 'parity-mask.f32'));
    const [batch] = parity.shape;
    const model = await loadModel(dir, { threads: 2 });
    try {
      const mask = await model.run(input, batch);
      assert.equal(mask.length, expected.length);
      let maxDiff = 0;
      for (let i = 0; i < mask.length; i++) maxDiff = Math.max(maxDiff, Math.abs(mask[i] - expected[i]));
      assert.ok(maxDiff < 1e-4, `max abs diff ${maxDiff}`);
      // The fixture is not trivial: masks vary inside (0, 1), and silence gives exactly 0.
      const per = mask.length / batch;
      const item0 = mask.subarray(0, per);
      assert.ok(Math.max(...item0) - Math.min(...item0) > 0.1);
      assert.ok(mask.subarray(2 * per).every((v) => v === 0));
      // A single-chunk batch (dynamic batch axis) gives the same mask as inside the batch.
      const one = await model.run(input.slice(per, 2 * per), 1);
      for (let i = 0; i < per; i++) assert.ok(Math.abs(one[i] - expected[per + i]) < 1e-4);
    } finally {
      await model.dispose();
    }
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'ss-model-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function brokenCopy(mutate: (m: Record<string, any>) => void): string {
  const dir = join(tmp, `pkg-${Math.random().toString(36).slice(2)}`);
  cpSync(repoPath('engine', 'model', 'fixtures', 'tiny'), dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  mutate(m);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(m));
  return dir;
}

test('the loader names every problem in a bad model.json', () => {
  const dir = brokenCopy((m) => {
    m.signal.n_fft = '1536';
    m.signal.nb_bins = 700;
    delete m.license;
  });
  assert.throws(() => readModelPackage(dir), (e: any) => {
    assert.equal(e.code, 'SS_ERR_BAD_MODEL');
    assert.match(e.message, /signal\.n_fft/);
    assert.match(e.message, /license/);
    return true;
  });
});

test('a chunk length that disagrees with the tensor shape is rejected', () => {
  const dir = brokenCopy((m) => {
    m.signal.chunk_frames = 32;
  });
  assert.throws(() => readModelPackage(dir), /input\.shape\.3: must equal signal\.chunk_frames/);
});

test('a missing ONNX file and a non-JSON manifest are clear errors', () => {
  const dir = brokenCopy((m) => {
    m.onnx.file = 'nope.onnx';
  });
  assert.throws(() => readModelPackage(dir), /names nope\.onnx, which does not exist/);
  writeFileSync(join(dir, 'model.json'), '{ not json');
  assert.throws(() => readModelPackage(dir), /is not valid JSON/);
});

test('wrong tensor names in model.json are caught when the session opens', async () => {
  const dir = brokenCopy((m) => {
    m.input.name = 'spectrogram';
  });
  await assert.rejects(loadModel(dir), (e: any) => e.code === 'SS_ERR_BAD_MODEL' && /expects "spectrogram"/.test(e.message));
});

test('unknown model names list the installed ones', async () => {
  await assert.rejects(loadModel('no-such-model'), (e: any) => e.code === 'SS_ERR_UNKNOWN_MODEL' && /installed models:/.test(e.message));
});

test('asking for CUDA without the CUDA provider says how to get it', async () => {
  await assert.rejects(loadModel(repoPath('engine', 'model', 'fixtures', 'tiny'), { device: 'cuda' }), (e: any) => {
    assert.equal(e.code, 'SS_ERR_NO_CUDA');
    assert.match(e.message, /ONNXRUNTIME_NODE_INSTALL=cuda12|--device cpu/);
    return true;
  });
});
