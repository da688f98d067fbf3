import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeWav, readAudioFile, writeWavFile } from './audio-io.js';
import { addStems, mixTrack, mixTree } from './mix.js';
import { datasetStats, formatStats } from './stats.js';
import { checkStems } from './stem-sum.js';
import { ensureDir, tempDir, tone, windowed } from './test-helpers.js';

test('float32 WAV round-trips bit-exactly; 16-bit within quantisation', async () => {
  const dir = tempDir('io');
  const a = { sampleRate: 22050, channels: [Float32Array.from([0, 0.5, -1, 1e-8, 0.333333]), Float32Array.from([1, -0.5, 0.25, -1e-8, 0.1])] };
  writeWavFile(join(dir, 'a.wav'), a, 32);
  const b = await readAudioFile(join(dir, 'a.wav'));
  assert.equal(b.sampleRate, 22050);
  assert.deepEqual(b.channels.map((c) => [...c]), a.channels.map((c) => [...c]));
  writeWavFile(join(dir, 'b.wav'), a, 16);
  const c = await readAudioFile(join(dir, 'b.wav'));
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(c.channels[0][i] - a.channels[0][i]) < 1e-4);
  assert.equal(encodeWav(a, 32).length, 12 + 8 + 18 + 12 + 8 + 5 * 2 * 4);
});

test('mix = instrument + rest exactly; mismatched or unreadable stems give clear errors', async () => {
  const dir = ensureDir(join(tempDir('mix'), 'tracks_8000hz'));
  const t = ensureDir(join(dir, 'song'));
  const inst = tone(0.3, 8000, 440, 0.3);
  const rest = tone(0.3, 8000, 97, 0.4);
  writeWavFile(join(t, 'instrument_song.wav'), inst);
  writeWavFile(join(t, 'rest_song.wav'), rest);
  await mixTree(dir);
  const mix = await readAudioFile(join(t, 'mix_song.wav'));
  for (let c = 0; c < 2; c++) for (let i = 0; i < mix.channels[c].length; i++) assert.equal(mix.channels[c][i], Math.fround(inst.channels[c][i] + rest.channels[c][i]));
  assert.throws(() => addStems(inst, tone(0.3, 16000, 97, 0.4)), { code: 'SS_ERR_BAD_DATASET', message: /sample rate 16000 Hz differs/ });
  assert.throws(() => addStems(inst, tone(0.31, 8000, 97, 0.4)), { code: 'SS_ERR_BAD_DATASET', message: /same length/ });
  assert.throws(() => checkStems([]), { code: 'SS_ERR_BAD_DATASET' });
  const bad = ensureDir(join(dir, 'bad'));
  writeWavFile(join(bad, 'instrument_bad.wav'), inst);
  writeFileSync(join(bad, 'rest_bad.wav'), Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunkjunkjunk'));
  await assert.rejects(mixTrack(bad), { code: 'SS_ERR_UNREADABLE_AUDIO', message: /rest_bad\.wav/ });
  const missing = ensureDir(join(dir, 'missing'));
  writeWavFile(join(missing, 'instrument_missing.wav'), inst);
  await assert.rejects(mixTrack(missing), { code: 'SS_ERR_FILE_NOT_FOUND', message: /rest_missing\.wav/ });
  writeFileSync(join(bad, 'tiny.wav'), 'RIFF');
  await assert.rejects(readAudioFile(join(bad, 'tiny.wav')), { code: 'SS_ERR_UNREADABLE_AUDIO' });
});

test('stats: audible-ratio and silence-run histograms', async () => {
  const dir = ensureDir(join(tempDir('stats'), 'tracks_100hz'));
  const add = (name: string, pattern: string): void => {
    const t = ensureDir(join(dir, name));
    const a = windowed([...pattern].map((c) => c === 'o'), 100);
    writeWavFile(join(t, `instrument_${name}.wav`), a);
    writeWavFile(join(t, `rest_${name}.wav`), a);
  };
  add('a', 'oooooooooo'); // 100 %
  add('b', 'xxoooooxxx'); // 50 %, runs of 2 and 3
  const s = await datasetStats(dir);
  assert.equal(s.tracks, 2);
  assert.equal(s.totalSec, 20);
  assert.equal(s.audibleSec, 15);
  assert.equal(s.audibleRatioHistogram[9], 1);
  assert.equal(s.audibleRatioHistogram[5], 1);
  assert.deepEqual(s.silenceRunHistogram, [0, 1, 1, 0, 0, 0]);
  assert.match(formatStats(s), /total: 0\.01 h/);
});
