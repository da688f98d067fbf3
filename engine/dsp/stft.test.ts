import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { centrePad, istft, magnitude, stft, type Spectrogram, type StftParams } from './stft.js';
import { chirp, impulse, sine, whiteNoise } from './signal-generators.js';
import { repoPath } from '../paths.js';
import { hannPeriodic } from './window.js';
import { StemstreamError } from '../errors.js';

/** Error energy / signal energy in dB. */
function errorDb(ref: Float32Array, est: Float32Array): number {
  assert.equal(est.length, ref.length);
  let e = 0;
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = ref[i] - est[i];
    e += d * d;
    s += ref[i] * ref[i];
  }
  return 10 * Math.log10(e / s);
}

function readF32(file: string): Float32Array {
  const buf = readFileSync(repoPath('engine', 'dsp', 'fixtures', file));
  // Copy into an aligned buffer; fixtures are little-endian like every platform we run on.
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

const PARAMS: StftParams[] = [
  { nFft: 1536, hop: 384 },
  { nFft: 2048, hop: 512 },
];
const LENGTHS = [100, 1000, 1536, 4 * 384, 22050, 22050 + 7];

describe('hannPeriodic', () => {
  it('matches scipy hann(n, sym=False)', () => {
    const w = hannPeriodic(8);
    const ref = [0, 0.14644660940672624, 0.5, 0.8535533905932737, 1, 0.8535533905932737, 0.5, 0.14644660940672624];
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(w[i] - ref[i]) < 1e-7, `w[${i}] = ${w[i]}`);
  });
});

describe('centrePad', () => {
  it('reflects without repeating the edge sample (numpy reflect)', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(centrePad(x, 3)), [4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2]);
  });
  it('zero-pads a signal too short to reflect', () => {
    const x = Float32Array.from([1, 2, 3]);
    assert.deepEqual(Array.from(centrePad(x, 3)), [0, 0, 0, 1, 2, 3, 0, 0, 0]);
  });
});

describe('stft / istft', () => {
  for (const p of PARAMS) {
    for (const length of LENGTHS) {
      const signals: Array<[string, Float32Array]> = [
        ['noise', whiteNoise(length, 11 + length)],
        ['sine', sine(length, 440, 22050, 0.8, 0.3)],
        ['impulse', impulse(length, Math.floor(length / 3))],
      ];
      for (const [name, x] of signals) {
        it(`round trip of ${name}, ${length} samples, nFft ${p.nFft} hop ${p.hop} below -90 dB`, () => {
          const spec = stft(x, p);
          assert.equal(spec.nbBins, p.nFft / 2 + 1);
          assert.equal(spec.nbFrames, 1 + Math.floor(length / p.hop));
          assert.equal(spec.re.length, spec.nbBins * spec.nbFrames);
          const y = istft(spec, p, length);
          const db = errorDb(x, y);
          assert.ok(db < -90, `error ${db.toFixed(1)} dB`);
          let maxErr = 0;
          for (let i = 0; i < length; i++) maxErr = Math.max(maxErr, Math.abs(x[i] - y[i]));
          assert.ok(maxErr < 1e-6, `max abs error ${maxErr}`);
        });
      }
    }
  }

  it('istft pads with zeros past the frames and truncates to the requested length', () => {
    const p = PARAMS[0];
    const x = whiteNoise(3000, 3);
    const spec = stft(x, p);
    const longer = istft(spec, p, 3000 + p.nFft * 2);
    assert.ok(errorDb(x, longer.subarray(0, 3000)) < -90);
    for (let i = 3000 + p.nFft; i < longer.length; i++) assert.equal(longer[i], 0);
    const shorter = istft(spec, p, 1234);
    assert.ok(errorDb(x.subarray(0, 1234), shorter) < -90);
  });

  it('the zero-length signal gives one silent frame and an empty inverse', () => {
    const spec = stft(new Float32Array(0), PARAMS[0]);
    assert.equal(spec.nbFrames, 1);
    assert.ok(spec.re.every((v) => v === 0));
    assert.equal(istft(spec, PARAMS[0], 0).length, 0);
  });

  it('puts a pure tone in the right bin (frame-major layout)', () => {
    const p = PARAMS[0];
    const bin = 64; // 64 · 22050 / 1536 Hz, exactly periodic in the frame
    const x = sine(8 * p.hop + p.nFft, (bin * 22050) / p.nFft, 22050);
    const spec = stft(x, p);
    const mag = magnitude(spec);
    const f = 4; // a frame away from the edges
    let best = 0;
    for (let b = 0; b < spec.nbBins; b++) if (mag[f * spec.nbBins + b] > mag[f * spec.nbBins + best]) best = b;
    assert.equal(best, bin);
    // Periodic Hann: the peak is sum(w)/2 = nFft/4 for a unit sine.
    assert.ok(Math.abs(mag[f * spec.nbBins + bin] - p.nFft / 4) < 1e-2, `peak ${mag[f * spec.nbBins + bin]}`);
  });

  it('magnitude reuses a given buffer and rejects one too small', () => {
    const spec = stft(chirp(2000, 100, 4000, 22050), PARAMS[0]);
    const out = new Float32Array(spec.nbBins * spec.nbFrames);
    assert.equal(magnitude(spec, out), out);
    const i = 3 * spec.nbBins + 17;
    assert.ok(Math.abs(out[i] - Math.hypot(spec.re[i], spec.im[i])) < 1e-4);
    assert.throws(() => magnitude(spec, new Float32Array(10)), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION');
  });

  it('rejects bad parameters and mismatched spectrograms with SS_ERR_BAD_OPTION', () => {
    const isBad = (e: unknown): boolean => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION';
    assert.throws(() => stft(new Float32Array(10), { nFft: 1000, hop: 250 }), isBad);
    assert.throws(() => stft(new Float32Array(10), { nFft: 1536, hop: 0 }), isBad);
    assert.throws(() => stft(new Float32Array(10), { nFft: 1536, hop: 2000 }), isBad);
    const spec: Spectrogram = stft(new Float32Array(1000), PARAMS[0]);
    assert.throws(() => istft(spec, PARAMS[1], 1000), isBad);
    assert.throws(() => istft(spec, PARAMS[0], -1), isBad);
  });
});

describe('parity with torch.stft / torch.istft (fixture from training/scripts/make_stft_fixture.py)', () => {
  interface FixtureCase { nFft: number; hop: number; nbBins: number; nbFrames: number; re: string; im: string; istft: string }
  const meta = JSON.parse(readFileSync(repoPath('engine', 'dsp', 'fixtures', 'stft-fixture.json'), 'utf8')) as {
    length: number;
    signal: string;
    cases: FixtureCase[];
  };
  const x = readF32(meta.signal);

  it('fixture is the expected size', () => {
    assert.equal(x.length, meta.length);
    assert.equal(meta.cases.length, 2);
  });

  for (const c of meta.cases) {
    it(`stft matches torch for nFft ${c.nFft} hop ${c.hop} within 1e-4 of the max magnitude`, () => {
      const spec = stft(x, { nFft: c.nFft, hop: c.hop });
      assert.equal(spec.nbBins, c.nbBins);
      assert.equal(spec.nbFrames, c.nbFrames);
      const re = readF32(c.re);
      const im = readF32(c.im);
      assert.equal(re.length, spec.re.length);
      let maxMag = 0;
      let maxErr = 0;
      for (let i = 0; i < re.length; i++) {
        maxMag = Math.max(maxMag, Math.hypot(re[i], im[i]));
        maxErr = Math.max(maxErr, Math.abs(re[i] - spec.re[i]), Math.abs(im[i] - spec.im[i]));
      }
      assert.ok(maxMag > 10, 'fixture is not silent');
      // Measured 3.7e-8 (float32 storage); 1e-5 leaves room for other platforms' rounding.
      assert.ok(maxErr / maxMag < 1e-5, `relative error ${maxErr / maxMag}`);
    });

    it(`istft matches torch for nFft ${c.nFft} hop ${c.hop}`, () => {
      const spec: Spectrogram = { nbBins: c.nbBins, nbFrames: c.nbFrames, re: readF32(c.re), im: readF32(c.im) };
      const y = istft(spec, { nFft: c.nFft, hop: c.hop }, meta.length);
      const ref = readF32(c.istft);
      assert.ok(errorDb(ref, y) < -90, `error ${errorDb(ref, y).toFixed(1)} dB`);
    });
  }
});
