import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAudioFile, writeWavFile } from './audio-io.js';
import { adjustSilenceTree, applyCuts, audibleRatio, DEFAULT_SILENCE_OPTIONS, planSilenceCuts, silentWindows } from './silence.js';
import { ensureDir, tempDir, windowed } from './test-helpers.js';

const SR = 100; // 1 s windows of 100 samples keep the arithmetic visible
const O = 'x';
const flags = (s: string): boolean[] => [...s].map((c) => c === O);

test('silentWindows marks windows below −50 dBFS', () => {
  const audio = windowed([true, false, true, true], SR);
  assert.deepEqual(silentWindows(audio, DEFAULT_SILENCE_OPTIONS), [false, true, false, false]);
  // −40 dBFS RMS is audible, −60 is not.
  const quiet = { sampleRate: SR, channels: [new Float32Array(SR).fill(0.01), new Float32Array(SR).fill(0.001)] };
  assert.deepEqual(silentWindows({ sampleRate: SR, channels: [quiet.channels[0]] }, DEFAULT_SILENCE_OPTIONS), [false]);
  assert.deepEqual(silentWindows({ sampleRate: SR, channels: [quiet.channels[1]] }, DEFAULT_SILENCE_OPTIONS), [true]);
});

test('tracks at or above the cutoff audible ratio are kept whole', () => {
  const p = planSilenceCuts(flags('xxxooooooo'), DEFAULT_SILENCE_OPTIONS); // 70 % audible
  assert.equal(p.action, 'kept');
  assert.deepEqual(p.cutWindows, []);
});

test('cuts leading, then trailing, then longest middle silences until the target audible ratio', () => {
  // 14 windows, 8 audible (57 %, between minimum 50 % and cutoff 80 %); target 80 % → keep 10.
  const s = flags('xoxxxoooooooxx');
  const opts = { ...DEFAULT_SILENCE_OPTIONS, cutoffRatio: 0.8, targetRatio: 0.8 };
  const p = planSilenceCuts(s, opts);
  assert.equal(p.action, 'cut');
  // Leading [0] first, then trailing [13, 12], then the longest middle run [2, 3, 4] from its start.
  assert.deepEqual(p.cutWindows, [0, 2, 12, 13]);
  assert.equal(p.after.windows, 10);
  assert.equal(p.after.audibleRatio, 0.8);
  assert.equal(p.before.audibleRatio, 8 / 14);
});

test('the audible ratio, not the silence ratio, is compared (the original bug)', () => {
  // 65 % audible is below the 70 % cutoff, so something must be cut; the buggy tool compared
  // 35 % silence with the thresholds and got every decision backwards away from 50 %.
  const p = planSilenceCuts(flags('x'.repeat(7) + 'o'.repeat(13)), DEFAULT_SILENCE_OPTIONS);
  assert.equal(p.action, 'cut');
  assert.ok(p.after.audibleRatio >= 0.7);
  // 80 % audible (20 % silence) must be kept untouched.
  assert.equal(planSilenceCuts(flags('xxoooooooo'), DEFAULT_SILENCE_OPTIONS).action, 'kept');
  // 30 % audible (70 % silence) must be dropped, not kept.
  assert.equal(planSilenceCuts(flags('xxxxxxxooo'), DEFAULT_SILENCE_OPTIONS).action, 'dropped');
});

test('tracks under the minimum ratio are dropped; all-silent too', () => {
  assert.equal(planSilenceCuts(flags('oxxxoxxxxx'), DEFAULT_SILENCE_OPTIONS).action, 'dropped');
  assert.equal(planSilenceCuts(flags('xxxx'), DEFAULT_SILENCE_OPTIONS).action, 'dropped');
  assert.equal(audibleRatio([]), 0);
});

test('contradictory ratios are rejected', () => {
  assert.throws(() => planSilenceCuts([true], { ...DEFAULT_SILENCE_OPTIONS, minimumRatio: 0.8, targetRatio: 0.7 }), { code: 'SS_ERR_BAD_OPTION' });
  assert.throws(() => planSilenceCuts([true], { ...DEFAULT_SILENCE_OPTIONS, targetRatio: 1.5 }), { code: 'SS_ERR_BAD_OPTION' });
});

test('applyCuts removes the same windows (last one may be short)', () => {
  const ch = Float32Array.from({ length: 25 }, (_, i) => i);
  const out = applyCuts({ sampleRate: 10, channels: [ch] }, [0, 2], 10);
  assert.deepEqual([...out.channels[0]], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test('adjustSilenceTree applies identical cuts to both stems and keeps mix = instrument + rest', async () => {
  const dir = tempDir('silence');
  const tracks = ensureDir(join(dir, 'tracks_100hz'));
  const t = ensureDir(join(tracks, 't1'));
  const inst = windowed(flags('xoooxoooxx').map((silent) => !silent), SR); // 60 % audible
  const restCh = Float32Array.from({ length: 10 * SR }, (_, i) => 0.01 * ((i % 17) - 8));
  writeWavFile(join(t, 'instrument_t1.wav'), { sampleRate: SR, channels: [inst.channels[0], inst.channels[0]] });
  writeWavFile(join(t, 'rest_t1.wav'), { sampleRate: SR, channels: [restCh, restCh] });
  const dropped = ensureDir(join(tracks, 't2'));
  const silentCh = new Float32Array(10 * SR);
  writeWavFile(join(dropped, 'instrument_t2.wav'), { sampleRate: SR, channels: [silentCh, silentCh] });
  writeWavFile(join(dropped, 'rest_t2.wav'), { sampleRate: SR, channels: [restCh, restCh] });
  const r = await adjustSilenceTree(tracks, DEFAULT_SILENCE_OPTIONS);
  assert.deepEqual(r.map((x) => [x.track, x.action]), [['t1', 'cut'], ['t2', 'dropped']]);
  assert.ok(!existsSync(dropped), 'dropped track removed');
  const a = await readAudioFile(join(t, 'instrument_t1.wav'));
  const b = await readAudioFile(join(t, 'rest_t1.wav'));
  // Target 70 %: 6 audible of at most 8 windows → leading [0] and trailing [9] cut.
  assert.equal(r[0].cutWindows.join(), '0,9');
  assert.equal(a.channels[0].length, 8 * SR);
  assert.equal(b.channels[0].length, 8 * SR);
  // Both stems start at the original window 1: samples line up.
  assert.equal(b.channels[0][0], restCh[SR]);
  assert.equal(a.channels[0][5], inst.channels[0][SR + 5]);
  assert.equal(b.channels[1][7 * SR + 3], restCh[8 * SR + 3]);
});
