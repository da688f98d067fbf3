import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { istft, mulberry32, stft, type StftParams } from '../dsp/index.js';
import { resample } from '../dsp/resampler.js';
import { loadModel, type LoadedModel, type MaskModel } from '../model/index.js';
import { repoPath } from '../paths.js';
import { chunkWeights } from './mask-stitcher.js';
import { separateChannels, separatorModel, type SeparatorModel } from './offline-separator.js';

const PARAMS: StftParams = { nFft: 1536, hop: 384 };
const MODEL_RATE = 22050;

function constantMask(value: number): MaskModel {
  return {
    nbBins: 769,
    chunkFrames: 64,
    async run(_input, batch) {
      return new Float32Array(batch * 769 * 64).fill(value);
    },
    async dispose() {},
  };
}

function asModel(mask: MaskModel): SeparatorModel {
  return { mask, sampleRate: MODEL_RATE, stft: PARAMS };
}

/** Harmonic tones below 5 kHz plus a little noise: music-like and inside every resampler's passband. */
function tones(rate: number, seconds: number, seed: number, maxHz = 5000): Float32Array {
  const rand = mulberry32(seed);
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n);
  const fs = [130.8, 196, 261.6, 392, 523.3].map((f) => f * (0.9 + 0.2 * rand()));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const f of fs) for (let k = 1; f * k < maxHz; k++) s += (0.05 / k) * Math.sin((2 * Math.PI * f * k * i) / rate);
    x[i] = s;
  }
  return x;
}

function errorDb(ref: Float32Array, est: Float32Array, from = 0, to = ref.length): number {
  let e = 0;
  let s = 0;
  for (let i = from; i < to; i++) {
    e += (ref[i] - est[i]) ** 2;
    s += ref[i] ** 2;
  }
  return 10 * Math.log10(e / s);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let tiny: LoadedModel;
before(async () => {
  tiny = await loadModel(repoPath('engine', 'model', 'fixtures', 'tiny'), { threads: 2 });
});
after(async () => {
  await tiny.dispose();
});

test('a mask of ones returns the input as the instrument at the model rate (< −90 dB) and a silent rest', async () => {
  const x = tones(MODEL_RATE, 3.3, 1);
  const { instrument, rest } = await separateChannels([x], MODEL_RATE, asModel(constantMask(1)), { blockFrames: 1000 });
  assert.equal(instrument[0].length, x.length);
  assert.ok(errorDb(x, instrument[0]) < -90, `error ${errorDb(x, instrument[0])} dB`);
  assert.ok(Math.max(...rest[0].map(Math.abs)) < 1e-4);
});

test('a mask of zeros gives a silent instrument and the whole input as rest', async () => {
  const x = tones(44100, 1.7, 2);
  const { instrument, rest } = await separateChannels([x, x], 44100, asModel(constantMask(0)));
  assert.ok(instrument.every((c) => c.every((v) => v === 0)));
  assert.ok(maxAbsDiff(rest[1], x) === 0);
});

test('at 44.1 kHz the instrument is aligned with the input, sample for sample', async () => {
  // Content below 5 kHz passes both resamplers: instrument ≈ input only if nothing is delayed.
  const x = tones(44100, 3, 3);
  const { instrument } = await separateChannels([x], 44100, asModel(constantMask(1)), { blockFrames: 4096 });
  const skip = 2000; // resampler edge transients
  assert.ok(errorDb(x, instrument[0], skip, x.length - skip) < -50, `error ${errorDb(x, instrument[0], skip, x.length - skip)} dB`);
});

test('instrument + rest reproduces the input exactly (float rounding only)', async () => {
  const l = tones(48000, 2.5, 4);
  const r = tones(48000, 2.5, 5);
  const { instrument, rest } = await separateChannels([l, r], 48000, separatorModel(tiny));
  for (const [c, x] of [l, r].entries()) {
    const sum = instrument[c].map((v, i) => v + rest[c][i]);
    assert.ok(maxAbsDiff(sum, x) < 1e-6);
    assert.ok(errorDb(x, instrument[c]) > -60, 'the untrained model does remove something');
  }
});

test('block size does not change the output (streaming bookkeeping)', async () => {
  const l = tones(44100, 4.1, 6);
  const r = tones(44100, 4.1, 7);
  const whole = await separateChannels([l, r], 44100, separatorModel(tiny), { blockFrames: 1 << 20 });
  const small = await separateChannels([l, r], 44100, separatorModel(tiny), { blockFrames: 997, batchSize: 3 });
  for (let c = 0; c < 2; c++) assert.ok(maxAbsDiff(whole.instrument[c], small.instrument[c]) < 1e-5);
});

test('the streaming separator equals a whole-file reference pass (no seams)', async () => {
  // Reference written independently of the streaming code: whole-array resample, STFT, every chunk's
  // mask cross-faded with the same weights, ISTFT, resample back.
  const rate = 44100;
  const x = tones(rate, 5, 8);
  const { instrument } = await separateChannels([x], rate, separatorModel(tiny), { blockFrames: 3000 });

  const [low] = await resample([x], rate, MODEL_RATE);
  const spec = stft(low, PARAMS);
  const { nbBins, nbFrames } = spec;
  const C = 64;
  const step = 32;
  const w = chunkWeights(C);
  const acc = new Float64Array(nbFrames * nbBins);
  const wsum = new Float64Array(nbFrames);
  for (let start = -(C - step); start < nbFrames; start += step) {
    const input = new Float32Array(nbBins * C);
    for (let i = 0; i < C; i++) {
      const f = start + i;
      if (f < 0 || f >= nbFrames) continue;
      for (let b = 0; b < nbBins; b++) input[b * C + i] = Math.hypot(spec.re[f * nbBins + b], spec.im[f * nbBins + b]);
    }
    const mask = await tiny.run(input, 1);
    for (let i = 0; i < C; i++) {
      const f = start + i;
      if (f < 0 || f >= nbFrames) continue;
      for (let b = 0; b < nbBins; b++) acc[f * nbBins + b] += w[i] * mask[b * C + i];
      wsum[f] += w[i];
    }
  }
  const masked = { nbBins, nbFrames, re: new Float32Array(spec.re.length), im: new Float32Array(spec.im.length) };
  for (let f = 0; f < nbFrames; f++) {
    for (let b = 0; b < nbBins; b++) {
      const m = acc[f * nbBins + b] / wsum[f];
      masked.re[f * nbBins + b] = m * spec.re[f * nbBins + b];
      masked.im[f * nbBins + b] = m * spec.im[f * nbBins + b];
    }
  }
  const [ref] = await resample([istft(masked, PARAMS, low.length)], MODEL_RATE, rate);
  const n = Math.min(ref.length, x.length);
  const d = maxAbsDiff(ref.subarray(0, n), instrument[0].subarray(0, n));
  assert.ok(d < 1e-4, `max abs diff ${d}`);
});

test('the mask of a stereo file comes from the mono downmix and keeps each channel', async () => {
  const x = tones(MODEL_RATE, 2, 9);
  const mono = await separateChannels([x], MODEL_RATE, separatorModel(tiny));
  const stereo = await separateChannels([x, x], MODEL_RATE, separatorModel(tiny));
  assert.ok(maxAbsDiff(mono.instrument[0], stereo.instrument[0]) < 1e-6);
  assert.ok(maxAbsDiff(stereo.instrument[0], stereo.instrument[1]) === 0);
});

for (const n of [0, 1, 100, 5000]) {
  test(`very short input (${n} samples) keeps its length and gives finite stems`, async () => {
    const x = tones(44100, n / 44100, 10);
    const { instrument, rest } = await separateChannels([x, x], 44100, separatorModel(tiny));
    assert.equal(instrument[0].length, n);
    assert.equal(rest[1].length, n);
    assert.ok(instrument[0].every(Number.isFinite) && rest[0].every(Number.isFinite));
  });
}

test('silence stays silence, without NaN', async () => {
  const x = new Float32Array(44100 * 2);
  const { instrument, rest } = await separateChannels([x], 44100, separatorModel(tiny));
  assert.ok(instrument[0].every((v) => v === 0));
  assert.ok(rest[0].every((v) => v === 0));
});
