// The packages in models/ are what `npm start`, `stemstream separate` and the UI load by name: each
// must validate, carry its folder's name, open in onnxruntime and give a [0, 1] mask, and state
// the held-out metrics its card promises.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../paths.js';
import { loadModel } from './mask-model.js';
import { readModelPackage } from './package.js';

const root = repoPath('models');
const shipped = readdirSync(root)
  .filter((name) => existsSync(join(root, name, 'model.json')))
  .sort();

/** One chunk of a harmonic tone over a noise floor, deterministic. */
function toneChunk(nbBins: number, frames: number): Float32Array {
  const x = new Float32Array(nbBins * frames);
  for (let b = 0; b < nbBins; b++) {
    for (let t = 0; t < frames; t++) {
      const harmonic = b % 15 === 0 && b > 0 ? 1 / (b / 15) : 0;
      x[b * frames + t] = harmonic + 0.01 * (1 + Math.sin(0.37 * b + 0.11 * t));
    }
  }
  return x;
}

test('the CLI and UI defaults are shipped', () => {
  for (const name of ['guitar', 'piano']) assert.ok(shipped.includes(name), `models/${name} is missing`);
});

for (const name of shipped) {
  test(`models/${name}: valid card named after its folder, with held-out metrics beside the oracle bound`, () => {
    const { manifest } = readModelPackage(join(root, name));
    assert.equal(manifest.name, name);
    const heldOut = Object.entries(manifest.metrics).filter(([set]) => set.startsWith('val-'));
    assert.ok(heldOut.length > 0, 'no val-* metrics in model.json');
    for (const [set, m] of heldOut) {
      if (set.includes('-live-')) continue; // live rows score the streaming path and carry no oracle
      assert.equal(typeof m.sdr_instrument_median, 'number', `${set}: sdr_instrument_median`);
      assert.equal(typeof m.irm_sdr_instrument_median, 'number', `${set}: irm_sdr_instrument_median`);
      assert.ok(typeof m.tracks === 'number' && m.tracks > 0, `${set}: tracks`);
    }
  });

  test(`models/${name}: the ONNX graph gives a mask in [0, 1], and 0 for silence`, async () => {
    const model = await loadModel(join(root, name), { threads: 1 }); // the folder: $STEMSTREAM_MODELS must not shadow it
    try {
      const per = model.nbBins * model.chunkFrames;
      const input = new Float32Array(2 * per);
      input.set(toneChunk(model.nbBins, model.chunkFrames)); // chunk 0: tone; chunk 1: silence
      const mask = await model.run(input, 2);
      assert.equal(mask.length, 2 * per);
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < per; i++) {
        min = Math.min(min, mask[i]);
        max = Math.max(max, mask[i]);
      }
      assert.ok(min >= 0 && max <= 1, `tone mask spans [${min}, ${max}]`);
      assert.ok(max > min, 'the mask is constant: the graph ignores its input');
      for (let i = per; i < 2 * per; i++) assert.equal(mask[i], 0, `silence gives mask ${mask[i]} at ${i - per}`);
    } finally {
      await model.dispose();
    }
  });
}
