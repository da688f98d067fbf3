import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AudioReader } from './audio-types.js';
import { createAudioWriter, writeAudio } from './create-audio-writer.js';
import { fixture, rejectsWith, withTempDir } from './audio-test-helpers.js';
import { WaveformPeaksBuilder, filePeaks, readerPeaks } from './waveform-peaks.js';

/** A reader over planar data, in blocks of `block` frames; nbFrames hidden when `unknownLength`. */
function memoryReader(channels: Float32Array[], block: number, unknownLength = false): AudioReader {
  let at = 0;
  const n = channels[0].length;
  return {
    info: { format: 'wav', sampleRate: 1000, nbChannels: channels.length, nbFrames: unknownLength ? null : n, bitsPerSample: 32, sampleFormat: 'float' },
    read: async (max) => {
      if (at >= n) return null;
      const len = Math.min(max, block, n - at);
      const out = channels.map((c) => c.slice(at, at + len));
      at += len;
      return out;
    },
    close: async () => {},
  };
}

/** Each bin's expected min/max by brute force over `fpb`-frame slices. */
function bruteForce(channels: Float32Array[], fpb: number): { min: number[]; max: number[] } {
  const n = channels[0].length;
  const min: number[] = [];
  const max: number[] = [];
  for (let s = 0; s < n; s += fpb) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of channels) for (let i = s; i < Math.min(n, s + fpb); i++) (lo = Math.min(lo, c[i])), (hi = Math.max(hi, c[i]));
    min.push(lo);
    max.push(hi);
  }
  return { min, max };
}

test('a known signal gives the expected peaks: a ramp per bin, the louder channel wins', async () => {
  // 1000 frames, 10 bins of 100: left is a ramp 0 → 0.999, right is −left / 2.
  const left = Float32Array.from({ length: 1000 }, (_, i) => i / 1000);
  const right = left.map((v) => -v / 2);
  const p = await readerPeaks(memoryReader([left, right], 64), 10);
  assert.equal(p.frames, 1000);
  assert.equal(p.framesPerBin, 100);
  assert.equal(p.sampleRate, 1000);
  assert.equal(p.min.length, 10);
  for (let b = 0; b < 10; b++) {
    assert.ok(Math.abs(p.max[b] - (b * 100 + 99) / 1000) < 1e-6, `bin ${b} max ${p.max[b]}`);
    assert.ok(Math.abs(p.min[b] - -(b * 100 + 99) / 2000) < 1e-6, `bin ${b} min ${p.min[b]}`);
  }
});

test('a sine burst shows where it is, silence around it reads 0', async () => {
  const x = new Float32Array(48_000);
  for (let i = 12_000; i < 24_000; i++) x[i] = 0.8 * Math.sin((2 * Math.PI * 440 * i) / 48_000);
  const p = await readerPeaks(memoryReader([x], 4096), 8); // 6000 frames a bin
  assert.deepEqual(Array.from(p.max, (v) => Math.round(v * 10) / 10), [0, 0, 0.8, 0.8, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(p.min, (v) => Math.round(v * 10) / 10), [0, 0, -0.8, -0.8, 0, 0, 0, 0]);
});

test('block boundaries do not matter, and a length that does not divide evenly leaves a short last bin', async () => {
  const x = Float32Array.from({ length: 1037 }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 13)) / 13);
  for (const block of [1, 7, 100, 5000]) {
    const p = await readerPeaks(memoryReader([x], block), 10);
    assert.equal(p.framesPerBin, 104);
    const want = bruteForce([x], 104);
    assert.deepEqual(Array.from(p.min), Array.from(Float32Array.from(want.min)), `block ${block}`);
    assert.deepEqual(Array.from(p.max), Array.from(Float32Array.from(want.max)), `block ${block}`);
  }
});

test('unknown length (MP3): bins merge as the file grows; between bins/2 and bins at the end, still exact', async () => {
  const x = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i * 0.011) * Math.cos(i * 0.0007));
  const p = await readerPeaks(memoryReader([x], 1152, true), 100);
  assert.ok(p.min.length > 50 && p.min.length <= 100, `${p.min.length} bins`);
  assert.equal(p.min.length, Math.ceil(100_000 / p.framesPerBin));
  const want = bruteForce([x], p.framesPerBin);
  assert.deepEqual(Array.from(p.max), Array.from(Float32Array.from(want.max)));
  assert.deepEqual(Array.from(p.min), Array.from(Float32Array.from(want.min)));
});

test('shorter than the bins: one frame a bin; nothing pushed: no bins', () => {
  const b = new WaveformPeaksBuilder(1600, 3);
  b.push([Float32Array.of(0.5, -0.25, 1)]);
  const p = b.finish(44100);
  assert.deepEqual([Array.from(p.min), Array.from(p.max), p.framesPerBin, p.frames], [[0.5, -0.25, 1], [0.5, -0.25, 1], 1, 3]);
  const e = new WaveformPeaksBuilder(1600, 0).finish(44100);
  assert.deepEqual([e.min.length, e.max.length, e.frames], [0, 0, 0]);
  assert.throws(() => new WaveformPeaksBuilder(0, 10), RangeError);
});

test('from files: a stereo WAV through the streaming reader, a WAV with no frames, the MP3 fixture', async () => {
  await withTempDir(async (dir) => {
    const rate = 8000;
    const left = Float32Array.from({ length: 2 * rate }, (_, i) => (i < rate ? 0.25 : 0.5) * Math.sin(i * 0.3));
    const right = new Float32Array(2 * rate);
    const path = join(dir, 'steps.wav');
    await writeAudio(path, { sampleRate: rate, channels: [left, right] }, { format: 'wav', bits: 32 });
    const p = await filePeaks(path, 4);
    assert.equal(p.frames, 2 * rate);
    assert.equal(p.sampleRate, rate);
    assert.deepEqual(Array.from(p.max, (v) => Math.round(v * 100) / 100), [0.25, 0.25, 0.5, 0.5]);
    assert.deepEqual(Array.from(p.min, (v) => Math.round(v * 100) / 100), [-0.25, -0.25, -0.5, -0.5]);

    const empty = join(dir, 'no-frames.wav');
    await (await createAudioWriter(empty, { format: 'wav', bits: 16, sampleRate: rate, nbChannels: 1 })).close();
    const e = await filePeaks(empty);
    assert.deepEqual([e.frames, e.min.length], [0, 0]);
  });
  const mp3 = await filePeaks(fixture('sine-mono.mp3'), 30);
  assert.ok(mp3.min.length >= 15 && mp3.min.length <= 30, `${mp3.min.length} bins`);
  assert.ok(mp3.max.every((v, i) => i === 0 || i === mp3.max.length - 1 || (v > 0.4 && v < 0.6)), `the 0.5 sine: ${Array.from(mp3.max).map((v) => v.toFixed(2))}`);
  await rejectsWith(filePeaks(fixture('empty.wav')), 'SS_ERR_CORRUPT_AUDIO');
});
