import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamingIstft, StreamingStft, streamingLatencySamples } from './streaming-stft.js';
import { istft, stft, type Spectrogram, type StftParams } from './stft.js';
import { mulberry32, whiteNoise } from './signal-generators.js';
import { StemstreamError } from '../errors.js';

/** Seeded block-size schedule mixing tiny, odd, hop-sized and huge blocks. */
function blockSizes(total: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const menu = [0, 1, 17, 256, 383, 384, 385, 4096];
  const sizes: number[] = [];
  let left = total;
  while (left > 0) {
    const pick = rand() < 0.5 ? menu[Math.floor(rand() * menu.length)] : Math.floor(rand() * 900);
    const n = Math.min(pick, left);
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

/** Stream `x` through a StreamingStft in the given blocks; returns the frames as a spectrogram. */
function streamFrames(s: StreamingStft, x: Float32Array, sizes: number[]): Spectrogram {
  const re: number[] = [];
  const im: number[] = [];
  let expected = 0;
  const onFrame = (fr: Float32Array, fi: Float32Array, index: number): void => {
    assert.equal(index, expected++, 'frames arrive in order');
    for (let b = 0; b < s.nbBins; b++) {
      re.push(fr[b]);
      im.push(fi[b]);
    }
  };
  let at = 0;
  for (const n of sizes) {
    s.push(x.subarray(at, at + n), onFrame);
    at += n;
  }
  s.finish(onFrame);
  return { nbBins: s.nbBins, nbFrames: expected, re: Float32Array.from(re), im: Float32Array.from(im) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const CONFIGS: StftParams[] = [
  { nFft: 1536, hop: 384 },
  { nFft: 2048, hop: 512 },
  { nFft: 48, hop: 20 }, // hop not dividing nFft
  { nFft: 48, hop: 40 }, // hop > nFft/2 (StreamingStft only: no reconstruction)
];
/** Configurations that reconstruct (hop ≤ nFft/2), for StreamingIstft. */
const OLA_CONFIGS: StftParams[] = [CONFIGS[0], CONFIGS[1], CONFIGS[2], { nFft: 48, hop: 24 }];

describe('StreamingStft', () => {
  for (const p of CONFIGS) {
    const pad = p.nFft / 2;
    const lengths = [0, 1, 5, pad - 1, pad, pad + 1, pad + 2, p.nFft - 1, p.nFft, 3 * p.hop, 5000, 22050 + 7];
    for (const length of lengths) {
      it(`yields the offline frames for ${length} samples, nFft ${p.nFft} hop ${p.hop}, random blocks`, () => {
        const x = whiteNoise(length, 100 + length);
        const offline = stft(x, p);
        for (const seed of [1, 2]) {
          const streamed = streamFrames(new StreamingStft(p), x, blockSizes(length, seed * 1000 + length));
          assert.equal(streamed.nbFrames, offline.nbFrames);
          assert.ok(maxAbsDiff(streamed.re, offline.re) <= 1e-6);
          assert.ok(maxAbsDiff(streamed.im, offline.im) <= 1e-6);
        }
      });
    }
  }

  it('emits frame 0 after nFft/2+1 samples and frame t after t·hop + nFft/2 samples', () => {
    const p = CONFIGS[0];
    const s = new StreamingStft(p);
    const emittedAt: number[] = [];
    const one = new Float32Array(1);
    const x = whiteNoise(3000, 9);
    for (let i = 0; i < x.length; i++) {
      one[0] = x[i];
      s.push(one, () => emittedAt.push(i + 1));
    }
    assert.equal(emittedAt[0], p.nFft / 2 + 1);
    for (let t = 1; t < emittedAt.length; t++) assert.equal(emittedAt[t], t * p.hop + p.nFft / 2);
  });

  it('hands the callback reused arrays, and reset() starts a new identical stream', () => {
    const p = CONFIGS[0];
    const s = new StreamingStft(p);
    const x = whiteNoise(4000, 4);
    const seen = new Set<Float32Array>();
    s.push(x, (re, im) => {
      seen.add(re);
      seen.add(im);
    });
    assert.equal(seen.size, 2);
    s.finish(() => undefined);
    assert.throws(() => s.push(x, () => undefined), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_INTERNAL');
    s.reset();
    assert.equal(s.samplesPushed, 0);
    const again = streamFrames(s, x, [4000]);
    const offline = stft(x, p);
    assert.ok(maxAbsDiff(again.re, offline.re) <= 1e-6);
  });

  it('rejects unsupported parameters', () => {
    assert.throws(() => new StreamingStft({ nFft: 1000, hop: 100 }), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION');
  });
});

describe('StreamingIstft', () => {
  for (const p of OLA_CONFIGS) {
    for (const length of [0, 10, p.nFft / 2 + 3, 5000, 22050 + 7]) {
      it(`equals the offline istft of masked frames, ${length} samples, nFft ${p.nFft} hop ${p.hop}`, () => {
        const spec = stft(whiteNoise(length, 50 + length), p);
        // A random real mask makes the frames inconsistent, so this is more than the identity.
        const rand = mulberry32(length + 3);
        for (let i = 0; i < spec.re.length; i++) {
          const m = rand();
          spec.re[i] *= m;
          spec.im[i] *= m;
        }
        const offline = istft(spec, p, length);
        const s = new StreamingIstft(p);
        const out = new Float32Array(length + 10 * p.nFft);
        let got = 0;
        const re = new Float32Array(spec.nbBins);
        const im = new Float32Array(spec.nbBins);
        for (let f = 0; f < spec.nbFrames; f++) {
          re.set(spec.re.subarray(f * spec.nbBins, (f + 1) * spec.nbBins));
          im.set(spec.im.subarray(f * spec.nbBins, (f + 1) * spec.nbBins));
          s.pushFrame(re, im);
          // Read a random part of what is available: the FIFO keeps the rest.
          got += s.read(out, got, Math.floor(rand() * (s.available() + 1)));
        }
        s.finish(length);
        got += s.read(out, got);
        assert.equal(s.available(), 0);
        assert.equal(s.droppedSamples, 0);
        assert.equal(got, length);
        assert.ok(maxAbsDiff(out.subarray(0, length), offline) <= 1e-6);
      });
    }
  }

  it('drops and counts samples the reader leaves behind a full FIFO, without throwing', () => {
    const p = CONFIGS[0];
    const spec = stft(whiteNoise(20000, 1), p);
    const s = new StreamingIstft(p, { outputCapacity: 1000 });
    for (let f = 0; f < spec.nbFrames; f++) {
      s.pushFrame(spec.re.subarray(f * spec.nbBins), spec.im.subarray(f * spec.nbBins));
    }
    s.finish(20000);
    assert.equal(s.available(), 1000);
    assert.equal(s.droppedSamples, 19000);
    assert.throws(() => s.pushFrame(spec.re, spec.im), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_INTERNAL');
    s.reset();
    assert.equal(s.available(), 0);
    assert.equal(s.droppedSamples, 0);
  });

  it('rejects a capacity smaller than a hop and a hop above nFft/2', () => {
    const isBad = (e: unknown): boolean => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION';
    assert.throws(() => new StreamingIstft(CONFIGS[0], { outputCapacity: 10 }), isBad);
    assert.throws(() => new StreamingIstft({ nFft: 48, hop: 40 }), isBad);
  });

  it('finish() removes unread samples released past the requested length', () => {
    const p = CONFIGS[0];
    const spec = stft(whiteNoise(5000, 2), p);
    const s = new StreamingIstft(p);
    for (let f = 0; f < spec.nbFrames; f++) s.pushFrame(spec.re.subarray(f * spec.nbBins), spec.im.subarray(f * spec.nbBins));
    s.finish(1000);
    assert.equal(s.available(), 1000);
  });
});

describe('StreamingStft → StreamingIstft chain', () => {
  for (const p of OLA_CONFIGS) {
    it(`output sample n is readable once input n + nFft - 1 is pushed, and that bound is tight (nFft ${p.nFft} hop ${p.hop})`, () => {
      const length = 3 * p.nFft + 5 * p.hop + 7;
      const x = whiteNoise(length, 77);
      const a = new StreamingStft(p);
      const b = new StreamingIstft(p);
      const onFrame = (re: Float32Array, im: Float32Array): void => b.pushFrame(re, im);
      const one = new Float32Array(1);
      const out = new Float32Array(length);
      let got = 0;
      let worst = 0;
      for (let i = 0; i < length; i++) {
        one[0] = x[i];
        a.push(one, onFrame);
        const n = b.read(out, got);
        // Samples got..got+n-1 became readable right after input sample i.
        for (let k = got; k < got + n; k++) worst = Math.max(worst, i - k);
        got += n;
      }
      a.finish(onFrame);
      b.finish(length);
      got += b.read(out, got);
      assert.equal(got, length);
      assert.equal(worst, streamingLatencySamples(p));
      // The chain is a perfect-reconstruction delay line.
      let err = 0;
      for (let i = 0; i < length; i++) err = Math.max(err, Math.abs(out[i] - x[i]));
      assert.ok(err < 1e-5, `max error ${err}`);
    });
  }
});
