import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RealFft } from './fft.js';
import { mulberry32 } from './signal-generators.js';
import { StemstreamError } from '../errors.js';

/** Naive O(N²) float64 DFT of a real signal: bins 0..N/2. */
function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const nbBins = n / 2 + 1;
  const re = new Float64Array(nbBins);
  const im = new Float64Array(nbBins);
  for (let k = 0; k < nbBins; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      // Reduce k·j mod n first so the angle stays small and exact.
      const a = (-2 * Math.PI * ((k * j) % n)) / n;
      sr += x[j] * Math.cos(a);
      si += x[j] * Math.sin(a);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

function randomSignal(n: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 2 * rand() - 1;
  return x;
}

const SIZES = [4, 8, 12, 24, 48, 96, 1536, 2048];

describe('RealFft', () => {
  for (const n of SIZES) {
    it(`forward matches a naive DFT for size ${n}`, () => {
      const x = randomSignal(n, 1000 + n);
      const fft = new RealFft(n);
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      fft.forward(x, re, im);
      const ref = naiveDft(x);
      let maxErr = 0;
      for (let k = 0; k <= n / 2; k++) {
        maxErr = Math.max(maxErr, Math.abs(re[k] - ref.re[k]), Math.abs(im[k] - ref.im[k]));
      }
      // Values are O(sqrt(n)); errors of a correct transform are ~1e-13 here, a wrong twiddle gives O(1).
      assert.ok(maxErr < 1e-9, `size ${n}: max abs error ${maxErr}`);
    });

    it(`inverse(forward(x)) = x for size ${n}`, () => {
      const x = randomSignal(n, 2000 + n);
      const fft = new RealFft(n);
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      const y = new Float64Array(n);
      fft.forward(x, re, im);
      fft.inverse(re, im, y);
      let maxErr = 0;
      for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(x[i] - y[i]));
      assert.ok(maxErr < 1e-12, `size ${n}: max abs error ${maxErr}`);
    });
  }

  it('inverse matches a naive inverse DFT of an arbitrary one-sided spectrum', () => {
    const n = 1536;
    const rand = mulberry32(7);
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    for (let k = 0; k <= n / 2; k++) {
      re[k] = 2 * rand() - 1;
      im[k] = 2 * rand() - 1;
    }
    const y = new Float32Array(n);
    new RealFft(n).inverse(re, im, y);
    // numpy.fft.irfft semantics: imaginary parts of DC and Nyquist are dropped.
    let maxErr = 0;
    for (let j = 0; j < n; j++) {
      let s = re[0] + re[n / 2] * (j % 2 === 0 ? 1 : -1);
      for (let k = 1; k < n / 2; k++) {
        const a = (2 * Math.PI * ((k * j) % n)) / n;
        s += 2 * (re[k] * Math.cos(a) - im[k] * Math.sin(a));
      }
      maxErr = Math.max(maxErr, Math.abs(s / n - y[j]));
    }
    assert.ok(maxErr < 1e-6, `max abs error ${maxErr}`);
  });

  it('accepts float32 input and gives exact zero imaginary parts at DC and Nyquist', () => {
    const n = 48;
    const x32 = Float32Array.from(randomSignal(n, 5));
    const fft = new RealFft(n);
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    fft.forward(x32, re, im);
    const ref = naiveDft(Float64Array.from(x32));
    for (let k = 0; k <= n / 2; k++) assert.ok(Math.abs(re[k] - ref.re[k]) < 1e-9);
    assert.equal(im[0], 0);
    assert.equal(im[n / 2], 0);
  });

  it('rejects unsupported sizes with SS_ERR_BAD_OPTION', () => {
    for (const bad of [0, 2, 6, 10, 100, 1535, 1.5, -8, 5 * 512]) {
      assert.throws(
        () => new RealFft(bad),
        (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION' && e.message.includes(String(bad)),
        `size ${bad}`,
      );
    }
    assert.equal(RealFft.isSupportedSize(1536), true);
    assert.equal(RealFft.isSupportedSize(3 * 4), true);
    assert.equal(RealFft.isSupportedSize(6), false);
  });
});
