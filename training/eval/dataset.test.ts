import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import wavefile from 'wavefile';
import { isStemstreamError } from '../../engine/errors.js';
import { listTracks, readWav } from './dataset.js';

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'stemstream-dataset-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function wavBytes(nbChannels: number, rate: number, depth: string, samples: number[] | number[][]): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(nbChannels, rate, depth, samples);
  return wav.toBuffer();
}

test('readWav scales 16-bit PCM to [−1, 1) and keeps the header rate and channels', () => {
  const path = join(root, 'int16.wav');
  writeFileSync(path, wavBytes(2, 44100, '16', [[16384, -32768, 0], [8192, 32767, -16384]]));
  const a = readWav(path);
  assert.equal(a.sampleRate, 44100);
  assert.equal(a.channels.length, 2);
  assert.deepEqual(Array.from(a.channels[0]), [0.5, -1, 0]);
  assert.ok(Math.abs(a.channels[1][0] - 0.25) < 1e-6 && Math.abs(a.channels[1][2] + 0.5) < 1e-6);
});

test('readWav passes float32 mono through', () => {
  const path = join(root, 'f32.wav');
  writeFileSync(path, wavBytes(1, 22050, '32f', [0.25, -1.5, 0.125]));
  const a = readWav(path);
  assert.equal(a.sampleRate, 22050);
  assert.deepEqual(Array.from(a.channels[0]), [0.25, -1.5, 0.125]);
});

test('readWav errors carry codes', () => {
  const bad = join(root, 'bad.wav');
  writeFileSync(bad, 'RIFF nonsense');
  assert.throws(() => readWav(bad), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_CORRUPT_AUDIO' && e.message.includes(bad));
  assert.throws(() => readWav(join(root, 'missing.wav')), (e: unknown) => isStemstreamError(e) && e.code === 'SS_ERR_FILE_NOT_FOUND');
});

test('listTracks prefers tracks_22050hz, else the highest rate, and sorts tracks', () => {
  const ds = join(root, 'ds');
  for (const rate of [44100, 22050, 16000]) {
    for (const name of ['b', 'a']) {
      const dir = join(ds, `tracks_${rate}hz`, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `instrument_${name}.wav`), '');
      writeFileSync(join(dir, `rest_${name}.wav`), '');
    }
  }
  const l = listTracks(ds);
  assert.equal(l.sampleRate, 22050);
  assert.deepEqual(l.tracks.map((t) => t.name), ['a', 'b']);
  assert.equal(l.tracks[0].restPath, join(ds, 'tracks_22050hz', 'a', 'rest_a.wav'));
  assert.equal(listTracks(ds, 8000).sampleRate, 44100);
});
