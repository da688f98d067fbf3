import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { RECORDED_GUITARS, recordedGuitarPrograms, recordedGuitarsAvailable, renderRecordedGuitar, tonejsKey } from './render-recorded-guitar.js';
import { nearestKey } from './render-sampler.js';
import { peakHz as peak, rms as rmsAt } from './sampler-test-helpers.js';
import type { Note, Part } from './song.js';

const SR = 22050;
const rms = (x: ArrayLike<number>, from: number, to: number): number => rmsAt(x, SR, from, to);
const peakHz = (x: ArrayLike<number>, from: number, lo: number, hi: number): number => peak(x, SR, from, lo, hi);
// The packages are devDependencies: `npm ci` installs them, in CI too.
const missing = !recordedGuitarsAvailable() && !process.env.CI && 'the tonejs-instrument-guitar-*-mp3 packages are not installed';

function guitar(notes: Note[]): Part {
  return { name: 'gtr', role: 'guitar-clean', style: 'test', isDrums: false, isTarget: true, notes, controls: [] };
}

test('tonejsKey reads the file names; each role maps to guitars that can play it', () => {
  assert.equal(tonejsKey('A2'), 45);
  assert.equal(tonejsKey('Cs3'), 49);
  assert.equal(tonejsKey('B1'), 35);
  assert.throws(() => tonejsKey('H2'));
  assert.deepEqual(recordedGuitarPrograms('guitar-acoustic'), [0, 2]);
  assert.deepEqual(recordedGuitarPrograms('guitar-drive'), [1]);
  assert.deepEqual(recordedGuitarPrograms('guitar-muted'), [], 'no palm-muted recordings');
  assert.deepEqual(recordedGuitarPrograms('piano'), []);
});

test('the catalogued keys are exactly the files each package holds', { skip: missing }, () => {
  const require = createRequire(import.meta.url);
  for (const inst of RECORDED_GUITARS) {
    const layer = inst.layers[0];
    const files = readdirSync(dirname(require.resolve(`${layer.pkg}/package.json`))).filter((f) => f.endsWith('.mp3')).sort();
    assert.deepEqual(layer.keys.map((k) => layer.file(k)).sort(), files, inst.id);
  }
});

test('renderRecordedGuitar plays a note at its pitch from the nearest key, and key-up stops it', { skip: missing }, async () => {
  const len = 3 * SR;
  const electric = RECORDED_GUITARS[1].layers[0].keys;
  assert.deepEqual(nearestKey(electric, 50), { key: 51, shift: -1 }, 'D3 from the D#3 recording');
  const [d3] = await renderRecordedGuitar(guitar([{ time: 0.1, duration: 1.5, pitch: 50, velocity: 100 }]), 1, SR, len, 4);
  const [ds3] = await renderRecordedGuitar(guitar([{ time: 0.1, duration: 1.5, pitch: 51, velocity: 100 }]), 1, SR, len, 4);
  const f0 = peakHz(d3, 0.2, 120, 170), f1 = peakHz(ds3, 0.2, 120, 170);
  assert.ok(Math.abs(f1 / f0 - Math.pow(2, 1 / 12)) < 0.004, `D3 ${f0.toFixed(1)} Hz, D#3 ${f1.toFixed(1)} Hz`);
  assert.ok(Math.abs(12 * Math.log2(f1 / 155.56)) < 0.35, `D#3 at ${f1.toFixed(1)} Hz`);
  const [short] = await renderRecordedGuitar(guitar([{ time: 0.1, duration: 0.4, pitch: 57, velocity: 100 }]), 0, SR, len, 4);
  const held = await renderRecordedGuitar(guitar([{ time: 0.1, duration: 2.5, pitch: 57, velocity: 100 }]), 0, SR, len, 4);
  const [long] = held;
  assert.ok(rms(short, 1, 1.5) < 0.01 * rms(long, 1, 1.5), 'the fretting hand damps a released note');
  assert.ok(rms(long, 1, 1.5) > 0, 'a held note rings');
  assert.deepEqual(held[0], held[1], 'mono recordings play in the centre');
});
