import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StemstreamError } from '../errors.js';
import { RESAMPLER_QUALITY, createStreamingResampler, resample, resamplerWasmInfo } from './resampler.js';

function tones(rate: number, n: number, freqs: number[], phase = 0): Float32Array {
  const x = new Float32Array(n);
  for (const f of freqs) for (let i = 0; i < n; i++) x[i] += (0.8 / freqs.length) * Math.sin((2 * Math.PI * f * i) / rate + phase);
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array, from = 0, to = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

test('output length is exactly round(len * to / from)', async () => {
  for (const [len, from, to] of [[0, 44100, 22050], [1, 44100, 22050], [3, 48000, 22050], [50, 22050, 48000], [1001, 44100, 22050], [12345, 48000, 22050], [12345, 22050, 44100], [777, 22050, 48000]]) {
    const out = await resample([new Float32Array(len), new Float32Array(len)], from, to);
    assert.equal(out.length, 2);
    assert.equal(out[0].length, Math.round((len * to) / from), `${len} ${from}->${to}`);
    assert.equal(out[1].length, out[0].length);
  }
});

test('time-aligned: an impulse lands at p * to / from, a sine keeps its phase', async () => {
  for (const [from, to, p] of [[44100, 22050, 4000], [22050, 44100, 2000], [48000, 22050, 3200], [22050, 48000, 1470]]) {
    const x = new Float32Array(8000);
    x[p] = 1;
    const [y] = await resample([x], from, to);
    let peak = 0;
    for (let i = 1; i < y.length; i++) if (Math.abs(y[i]) > Math.abs(y[peak])) peak = i;
    assert.equal(peak, (p * to) / from, `${from}->${to}`);
    // Symmetric (linear-phase) kernel around the peak: no fractional shift either.
    assert.ok(Math.abs(y[peak - 1] - y[peak + 1]) < 1e-3, `${from}->${to} symmetric`);
  }
  for (const [from, to] of [[44100, 22050], [48000, 22050], [22050, 44100]]) {
    const n = from; // 1 s
    const [y] = await resample([tones(from, n, [1000], 0.3)], from, to);
    const expected = tones(to, y.length, [1000], 0.3);
    // Away from the edges (zero padding), sample k is the input at time k / to.
    assert.ok(maxAbsDiff(y, expected, 500, y.length - 500) < 1e-5, `${from}->${to} sine phase`);
  }
});

test('round trips of band-limited content (< 9 kHz) reconstruct to > 90 dB SNR (quality 8 measures 102–109 dB)', async () => {
  for (const [rate, mid] of [[44100, 22050], [48000, 22050], [22050, 48000]]) {
    const x = tones(rate, rate, [110, 440, 3000, 8000]);
    const back = (await resample(await resample([x], rate, mid), mid, rate))[0];
    assert.equal(back.length, x.length);
    let err = 0, sig = 0;
    for (let i = 2000; i < x.length - 2000; i++) { err += (back[i] - x[i]) ** 2; sig += x[i] ** 2; }
    const snrDb = 10 * Math.log10(sig / err);
    assert.ok(snrDb > 90, `${rate}->${mid}->${rate}: SNR ${snrDb.toFixed(1)} dB`);
  }
});

test('content above the target Nyquist is removed, not aliased', async () => {
  const x = tones(44100, 44100, [15000]);
  const [y] = await resample([x], 44100, 22050);
  let m = 0;
  for (let i = 1000; i < y.length - 1000; i++) m = Math.max(m, Math.abs(y[i]));
  assert.ok(m < 1e-3, `residual ${m}`);
});

test('streaming in uneven chunks equals the offline result; latency is as reported', async () => {
  for (const [from, to] of [[44100, 22050], [22050, 44100], [48000, 22050]]) {
    const n = 20000;
    const input = [tones(from, n, [300, 5000]), tones(from, n, [700], 1)];
    const offline = await resample(input, from, to);
    const r = await createStreamingResampler(2, from, to);
    assert.ok(r.latencyOutputFrames > 0 && r.latencyOutputFrames < 200, `latency ${r.latencyOutputFrames}`);
    assert.equal(r.latencyInputFrames, Math.ceil((r.latencyOutputFrames * from) / to));
    const parts: Float32Array[][] = [[], []];
    const sizes = [4096, 1, 0, 17, 1000, 333];
    let fed = 0;
    for (let k = 0; fed < n; k++) {
      const m = Math.min(sizes[k % sizes.length], n - fed);
      const y = r.process(input.map((ch) => ch.subarray(fed, fed + m)));
      fed += m;
      if (k === 0) {
        // After the first block, output lags the ideal count by the reported latency (+-1 for rounding).
        assert.ok(Math.abs(y[0].length - (Math.round((m * to) / from) - r.latencyOutputFrames)) <= 1, `first block gave ${y[0].length}`);
      }
      parts[0].push(y[0]); parts[1].push(y[1]);
    }
    const tail = r.flush();
    parts[0].push(tail[0]); parts[1].push(tail[1]);
    for (let c = 0; c < 2; c++) {
      const streamed = concat(parts[c]);
      assert.equal(streamed.length, offline[c].length);
      assert.ok(maxAbsDiff(streamed, offline[c]) < 1e-6, `${from}->${to} ch${c}`);
    }
    assert.throws(() => r.process([new Float32Array(1), new Float32Array(1)]), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_INTERNAL');
  }
});

test('the SIMD build of the WASM module is used and shared; destroy() and flush() free its memory', async () => {
  assert.equal(RESAMPLER_QUALITY, 8);
  const { build } = await resamplerWasmInfo();
  assert.equal(build, 'simd'); // Node >= 20 has WASM SIMD; the scalar build is only a fallback
  const x = [tones(44100, 16384, [440]), tones(44100, 16384, [880])];
  const cycle = async (i: number): Promise<void> => {
    const r = await createStreamingResampler(2, i % 2 ? 44100 : 22050, i % 2 ? 22050 : 48000);
    r.process(x);
    if (i % 3) r.flush(); else r.destroy();
  };
  for (let i = 0; i < 20; i++) await cycle(i);
  const before = (await resamplerWasmInfo()).heapBytes;
  // Each resampler holds 0.2–0.4 MB of scratch: leaking them would grow the memory by ~40 MB.
  for (let i = 0; i < 150; i++) await cycle(i);
  assert.equal((await resamplerWasmInfo()).heapBytes, before);
});

test('withheld output never exceeds latencyOutputFrames and reaches it, for any block sizes', async () => {
  for (const [from, to] of [[44100, 22050], [48000, 22050], [96000, 22050], [22050, 44100], [22050, 48000], [44100, 48000], [8000, 22050]]) {
    const r = await createStreamingResampler(1, from, to);
    let fed = 0, got = 0, worst = 0;
    let seed = 7;
    for (let k = 0; k < 400; k++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const m = seed % 700;
      got += r.process([new Float32Array(m)])[0].length;
      fed += m;
      const withheld = Math.round((fed * to) / from) - got;
      assert.ok(withheld >= 0 && withheld <= r.latencyOutputFrames, `${from}->${to}: ${withheld} withheld after ${fed}, latency ${r.latencyOutputFrames}`);
      worst = Math.max(worst, withheld);
    }
    assert.ok(worst >= r.latencyOutputFrames - 1, `${from}->${to}: worst ${worst}, latency ${r.latencyOutputFrames}`);
    got += r.flush()[0].length;
    assert.equal(got, Math.round((fed * to) / from));
  }
});

test('rates 8 kHz to 192 kHz: exact lengths, impulses land at p * to / from, streaming equals offline', async () => {
  const pairs = [[8000, 22050], [22050, 8000], [16000, 22050], [32000, 22050], [44100, 48000], [48000, 44100], [88200, 22050], [96000, 22050], [22050, 96000], [176400, 22050], [192000, 22050], [22050, 192000], [11025, 22050]];
  for (const [from, to] of pairs) {
    const len = 3 * from + 17;
    const x = new Float32Array(len);
    // An input frame that maps onto an output frame exactly: p = q * from / gcd.
    const g = ((a: number, b: number): number => { while (b) [a, b] = [b, a % b]; return a; })(from, to);
    const p = (from / g) * Math.max(1, Math.floor(from / (from / g) / 2));
    x[p] = 1;
    const [y] = await resample([x], from, to);
    assert.equal(y.length, Math.round((len * to) / from), `${from}->${to} length`);
    let peak = 0;
    for (let i = 1; i < y.length; i++) if (Math.abs(y[i]) > Math.abs(y[peak])) peak = i;
    assert.equal(peak, (p * to) / from, `${from}->${to} impulse`);
    // A band-limited impulse peaks at the filter cutoff relative to the input rate (0.96 · to / from).
    if (to < from) assert.ok(y[peak] > 0.9 * (to / from) && y[peak] < to / from, `${from}->${to} peak ${y[peak]}`);
    const r = await createStreamingResampler(1, from, to);
    const parts: Float32Array[] = [];
    for (let at = 0, k = 0; at < len; k++) { const m = Math.min(len - at, [1, 511, 4096, 3][k % 4]); parts.push(r.process([x.subarray(at, at + m)])[0]); at += m; }
    parts.push(r.flush()[0]);
    assert.ok(maxAbsDiff(concat(parts), y) === 0, `${from}->${to} streaming`);
  }
});

test('passband flat to 0.9 of the lower Nyquist; aliases from above it at least 90 dB down', async () => {
  const level = (y: Float32Array, a: number): number => {
    let s = 0;
    for (let i = 1000; i < y.length - 1000; i++) s += y[i] * y[i];
    return 20 * Math.log10(Math.sqrt(s / (y.length - 2000)) / (a / Math.SQRT2));
  };
  for (const [from, to] of [[44100, 22050], [48000, 22050], [96000, 22050], [22050, 44100], [22050, 48000]]) {
    const nyq = Math.min(from, to) / 2;
    for (const fr of [0.5, 0.8, 0.9]) {
      const [y] = await resample([tones(from, from, [fr * nyq], 0.4)], from, to);
      assert.ok(Math.abs(level(y, 0.8)) < 0.05, `${from}->${to} at ${fr} Nyquist: ${level(y, 0.8).toFixed(3)} dB`);
    }
    if (to > from) continue;
    for (const fr of [1.02, 1.05, 1.1, 1.3, 1.6, 1.9]) {
      if (fr * nyq >= from / 2) continue;
      const [y] = await resample([tones(from, from / 2, [fr * nyq], 0.4)], from, to);
      assert.ok(level(y, 0.8) < -90, `${from}->${to}: tone at ${fr} Nyquist aliases at ${level(y, 0.8).toFixed(1)} dB`);
    }
  }
});

test('channels are independent and in order', async () => {
  const a = tones(48000, 6000, [500]);
  const b = tones(48000, 6000, [2500], 0.7);
  const c = new Float32Array(6000);
  const out = await resample([a, b, c], 48000, 22050);
  const [ma] = await resample([a], 48000, 22050);
  const [mb] = await resample([b], 48000, 22050);
  assert.ok(maxAbsDiff(out[0], ma) < 1e-6);
  assert.ok(maxAbsDiff(out[1], mb) < 1e-6);
  assert.ok(maxAbsDiff(out[2], new Float32Array(out[2].length)) === 0);
});

test('equal rates: identity copies, zero latency', async () => {
  const x = [tones(22050, 100, [1000])];
  const y = await resample(x, 22050, 22050);
  assert.deepEqual(y, x);
  assert.notEqual(y[0], x[0]);
  const r = await createStreamingResampler(1, 22050, 22050);
  assert.equal(r.latencyOutputFrames, 0);
  assert.deepEqual(r.process(x), x);
  assert.equal(r.flush()[0].length, 0);
});

test('bad arguments are SS_ERR_BAD_OPTION', async () => {
  const bad = (e: unknown): boolean => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION';
  await assert.rejects(createStreamingResampler(0, 44100, 22050), bad);
  await assert.rejects(createStreamingResampler(2, 44100.5, 22050), bad);
  await assert.rejects(createStreamingResampler(2, 44100, 100), bad);
  await assert.rejects(createStreamingResampler(2, 44100, 22050, 11 as never), bad);
  const r = await createStreamingResampler(2, 44100, 22050);
  assert.throws(() => r.process([new Float32Array(4)]), bad);
  assert.throws(() => r.process([new Float32Array(4), new Float32Array(3)]), bad);
  r.destroy();
  r.destroy();
  assert.throws(() => r.process([new Float32Array(4), new Float32Array(4)]), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_INTERNAL');
});
