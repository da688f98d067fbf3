import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WaveformPeaks } from '../audio-file/waveform-peaks.js';
import { encodeServerMessage, serverMessageSchema } from './messages.js';
import { MAX_WAVEFORM_BINS, decodeWaveform, encodeWaveform, peaksFitBins } from './waveform-codec.js';

function peaks(min: number[], max: number[], framesPerBin = 100, sampleRate = 1000): WaveformPeaks {
  return { sampleRate, frames: framesPerBin * min.length, framesPerBin, min: Float32Array.from(min), max: Float32Array.from(max) };
}

test('encode → decode round-trips within one step; the minimum rounds down, the maximum up', () => {
  const min = [-1, -0.5, -0.001, 0, -2];
  const max = [1, 0.5, 0.001, 0, 2];
  const body = encodeWaveform(peaks(min, max));
  assert.deepEqual([body.bins, body.durationS, body.binS], [5, 0.5, 0.1]);
  assert.ok(peaksFitBins(body.peaks, 5) && !peaksFitBins(body.peaks, 4) && !peaksFitBins(body.peaks, 6));
  const d = decodeWaveform(body);
  assert.ok(d);
  for (let b = 0; b < 5; b++) {
    const lo = Math.max(-1, min[b]);
    const hi = Math.min(1, max[b]);
    assert.ok(d.min[b] <= lo + 1e-6 && d.min[b] > lo - 1 / 127 - 1e-6, `bin ${b} min ${d.min[b]} for ${lo}`);
    assert.ok(d.max[b] >= hi - 1e-6 && d.max[b] < hi + 1 / 127 + 1e-6, `bin ${b} max ${d.max[b]} for ${hi}`);
  }
  // a quiet bin is never drawn as silence, a silent one stays flat
  assert.ok(d.max[2] > 0 && d.min[2] < 0);
  assert.deepEqual([d.min[3], d.max[3]], [0, 0]);
});

test('no waveform (a live device, an empty file) is 0 bins; more bins than a message carries merge', () => {
  assert.deepEqual(encodeWaveform(null), { durationS: 0, binS: 0, bins: 0, peaks: '' });
  assert.deepEqual(encodeWaveform(peaks([], [])), { durationS: 0, binS: 0, bins: 0, peaks: '' });
  assert.deepEqual(decodeWaveform({ bins: 0, peaks: '' }), { min: new Float32Array(0), max: new Float32Array(0) });
  const n = MAX_WAVEFORM_BINS + 10;
  const big = encodeWaveform(peaks(Array.from({ length: n }, (_, i) => (i === n - 1 ? -1 : 0)), Array.from({ length: n }, (_, i) => (i === 1 ? 1 : 0))));
  assert.equal(big.bins, Math.ceil(n / 2));
  assert.equal(big.binS, 0.2);
  const d = decodeWaveform(big);
  assert.ok(d);
  assert.deepEqual([d.max[0], d.max[1], d.min[big.bins - 1]], [1, 0, -1]);
});

test('malformed bodies decode to null', () => {
  assert.equal(decodeWaveform({ bins: 2, peaks: 'AAA=' }), null, 'too short');
  assert.equal(decodeWaveform({ bins: 3, peaks: 'AAAAAA==' }), null, '4 bytes for 3 bins');
  assert.equal(decodeWaveform({ bins: 1, peaks: '!!!!' }), null, 'not base64');
});

test('the waveform message is checked by the schema: base64 of exactly two bytes a bin', () => {
  const ok = { type: 'waveform', id: 3, input: 'demo', ...encodeWaveform(peaks([-0.5, -0.25], [0.5, 0.25])) } as const;
  assert.equal(JSON.parse(encodeServerMessage(ok)).bins, 2);
  assert.ok(serverMessageSchema.safeParse({ ...ok, bins: 0, peaks: '', durationS: 0, binS: 0 }).success);
  for (const bad of [{ ...ok, bins: 3 }, { ...ok, peaks: 'AAAA' }, { ...ok, peaks: 'AA$A=' }, { ...ok, bins: MAX_WAVEFORM_BINS + 1 }, { ...ok, durationS: -1 }, { ...ok, extra: 1 }]) {
    assert.equal(serverMessageSchema.safeParse(bad).success, false, JSON.stringify(bad).slice(0, 120));
  }
});
