import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MaskModel } from '../model/index.js';
import { MaskStitcher, chunkWeights } from './mask-stitcher.js';

const NB_BINS = 5;
const CHUNK = 64;

/** A mask model computed bin by bin from the magnitude alone: chunking must not change its output. */
function pointwiseModel(calls: number[] = []): MaskModel {
  return {
    nbBins: NB_BINS,
    chunkFrames: CHUNK,
    async run(input, batch) {
      calls.push(batch);
      const out = new Float32Array(batch * NB_BINS * CHUNK);
      for (let i = 0; i < out.length; i++) out[i] = input[i] / (input[i] + 1);
      return out;
    },
    async dispose() {},
  };
}

function frameValue(frame: number, bin: number): number {
  return 1 + ((frame * 7 + bin * 3) % 11);
}

async function stitch(model: MaskModel, nbFrames: number, step: number, batch: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const s = new MaskStitcher(model, (mask, frame) => {
    assert.equal(frame, out.length, 'masks arrive in frame order');
    out.push(mask.slice());
  }, { stepFrames: step, batchSize: batch });
  const mag = new Float32Array(NB_BINS);
  for (let f = 0; f < nbFrames; f++) {
    for (let b = 0; b < NB_BINS; b++) mag[b] = frameValue(f, b);
    await s.push(mag);
  }
  await s.finish();
  return out;
}

test('cross-fade weights of half-overlapping chunks sum to exactly one', () => {
  const w = chunkWeights(CHUNK);
  for (let i = 0; i < CHUNK / 2; i++) assert.ok(Math.abs(w[i] + w[i + CHUNK / 2] - 1) < 1e-6);
  assert.ok(w.every((x) => x > 0));
});

for (const nbFrames of [1, 10, 63, 64, 65, 200, 517]) {
  for (const [step, batch] of [[32, 4], [16, 3], [64, 1], [32, 1]] as const) {
    test(`stitching a frame-local model reproduces it exactly (${nbFrames} frames, step ${step}, batch ${batch})`, async () => {
      const masks = await stitch(pointwiseModel(), nbFrames, step, batch);
      assert.equal(masks.length, nbFrames);
      for (let f = 0; f < nbFrames; f++) {
        for (let b = 0; b < NB_BINS; b++) {
          const v = frameValue(f, b);
          assert.ok(Math.abs(masks[f][b] - v / (v + 1)) < 1e-5, `frame ${f} bin ${b}`);
        }
      }
    });
  }
}

test('every frame is seen by chunk/step chunks, batched as asked', async () => {
  const calls: number[] = [];
  await stitch(pointwiseModel(calls), 320, 32, 4);
  // Chunks start at -32, 0, …, 288: 11 chunks, so each of the 320 frames is covered twice.
  assert.equal(calls.reduce((a, b) => a + b, 0), 11);
  assert.ok(calls.every((b) => b <= 4));
});

test('chunk-dependent masks are cross-faded without a seam', async () => {
  // Each chunk answers a different constant: the stitched mask must move smoothly between them.
  let chunkIndex = 0;
  const model: MaskModel = {
    nbBins: NB_BINS,
    chunkFrames: CHUNK,
    async run(_input, batch) {
      const out = new Float32Array(batch * NB_BINS * CHUNK);
      for (let c = 0; c < batch; c++) out.fill(chunkIndex++ % 2 === 0 ? 0 : 1, c * NB_BINS * CHUNK, (c + 1) * NB_BINS * CHUNK);
      return out;
    },
    async dispose() {},
  };
  const masks = await stitch(model, 400, 32, 2);
  let maxJump = 0;
  for (let f = 1; f < masks.length; f++) maxJump = Math.max(maxJump, Math.abs(masks[f][0] - masks[f - 1][0]));
  // A full 0→1 swing spread over 32 frames by sin²: no step larger than π/32.
  assert.ok(maxJump < Math.PI / 32 + 1e-6, `max frame-to-frame jump ${maxJump}`);
  assert.ok(maxJump > 0.01, 'the masks did change');
});

test('rejects a step that does not divide the chunk', () => {
  assert.throws(() => new MaskStitcher(pointwiseModel(), () => {}, { stepFrames: 24 }), { code: 'SS_ERR_BAD_OPTION' });
});

test('no frames, no masks and no inference', async () => {
  const calls: number[] = [];
  const masks = await stitch(pointwiseModel(calls), 0, 32, 4);
  assert.equal(masks.length, 0);
  assert.equal(calls.length, 0);
});
