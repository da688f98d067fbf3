import assert from 'node:assert/strict';
import { test } from 'node:test';
import { damperTau, FIRST_UNDAMPED_KEY, renderSalamander, SALAMANDER, salamanderAvailable, SALAMANDER_LAYERS } from './render-salamander.js';
import { keyName, layerFor, nearestKey } from './render-sampler.js';
import { peakHz as peak, rms as rmsAt } from './sampler-test-helpers.js';
import type { ControlEvent, Note, Part } from './song.js';

const SR = 22050;
const rms = (x: ArrayLike<number>, from: number, to: number): number => rmsAt(x, SR, from, to);
const peakHz = (x: ArrayLike<number>, from: number, lo: number, hi: number): number => peak(x, SR, from, lo, hi);
// The layers are devDependencies: `npm ci` installs them, in CI too.
const missing = !salamanderAvailable() && !process.env.CI && 'the @audio-samples/piano-velocity* packages are not installed';

function piano(notes: Note[], controls: ControlEvent[] = []): Part {
  return { name: 'piano', role: 'piano', style: 'test', isDrums: false, isTarget: true, notes, controls };
}

test('nearestKey, keyName and layerFor map MIDI notes onto the recorded keys and layers', () => {
  const keys = SALAMANDER.layers[0].keys;
  assert.equal(keys.length, 30);
  assert.deepEqual(nearestKey(keys, 60), { key: 60, shift: 0 });
  assert.deepEqual(nearestKey(keys, 61), { key: 60, shift: 1 });
  assert.deepEqual(nearestKey(keys, 62), { key: 63, shift: -1 });
  assert.deepEqual(nearestKey(keys, 21), { key: 21, shift: 0 });
  assert.deepEqual(nearestKey(keys, 108), { key: 108, shift: 0 });
  assert.equal(nearestKey(keys, 19).key, 21, 'below the keyboard: the lowest key');
  assert.deepEqual(nearestKey([40, 44], 42), { key: 40, shift: 2 }, 'a tie takes the lower key');
  assert.equal(keyName(60), 'C4');
  assert.equal(keyName(21), 'A0');
  assert.equal(keyName(63), 'D#4');
  assert.equal(keyName(108), 'C8');
  const nb = SALAMANDER_LAYERS.length;
  assert.equal(layerFor(nb, 1), 0);
  assert.equal(layerFor(nb, 127), nb - 1);
  assert.equal(layerFor(1, 127, 0.4), 0, 'one layer plays every velocity');
  const layers = Array.from({ length: 127 }, (_, v) => layerFor(nb, v + 1));
  assert.ok(layers.every((l, i) => i === 0 || l >= layers[i - 1]), 'louder never picks a softer layer');
  assert.equal(new Set(layers).size, SALAMANDER_LAYERS.length, 'every layer is used');
  assert.ok(damperTau(21) > damperTau(80), 'bass strings damp more slowly');
});

test('renderSalamander plays each note at its pitch, louder with velocity', { skip: missing }, async () => {
  const len = 3 * SR;
  const [a4] = await renderSalamander(piano([{ time: 0.1, duration: 2, pitch: 69, velocity: 90 }]), SR, len, 1);
  const [bb4] = await renderSalamander(piano([{ time: 0.1, duration: 2, pitch: 70, velocity: 90 }]), SR, len, 1);
  const fa = peakHz(a4, 0.3, 380, 520);
  const fb = peakHz(bb4, 0.3, 380, 520);
  // One song's detune is common to both notes; the shifted key must sound a semitone higher.
  assert.ok(Math.abs(fb / fa - Math.pow(2, 1 / 12)) < 0.004, `A4 ${fa.toFixed(1)} Hz, A#4 ${fb.toFixed(1)} Hz`);
  assert.ok(Math.abs(12 * Math.log2(fa / 440)) < 0.2, `A4 at ${fa.toFixed(1)} Hz (detune at most 0.12 semitone)`);
  const [soft] = await renderSalamander(piano([{ time: 0.1, duration: 2, pitch: 60, velocity: 20 }]), SR, len, 2);
  const [loud] = await renderSalamander(piano([{ time: 0.1, duration: 2, pitch: 60, velocity: 120 }]), SR, len, 2);
  assert.ok(rms(loud, 0.1, 1) > 3 * rms(soft, 0.1, 1), `loud ${rms(loud, 0.1, 1)} soft ${rms(soft, 0.1, 1)}`);
  assert.ok(rms(loud, 0, 0.09) === 0, 'nothing before the note');
});

test('renderSalamander: the damper stops a released key unless the pedal holds it; top keys ring on', { skip: missing }, async () => {
  const len = 3 * SR;
  const note: Note = { time: 0.1, duration: 0.5, pitch: 48, velocity: 100 };
  const [dry] = await renderSalamander(piano([note]), SR, len, 3);
  const pedal = [{ time: 0, controller: 64, value: 127 }, { time: 2.5, controller: 64, value: 0 }];
  const [held] = await renderSalamander(piano([note], pedal), SR, len, 3);
  const before = rms(dry, 0.4, 0.6);
  assert.ok(rms(dry, 2, 2.4) < 0.001 * before, `damped: ${rms(dry, 2, 2.4)} vs ${before}`);
  assert.ok(rms(held, 2, 2.4) > 0.1 * before, `pedal down: ${rms(held, 2, 2.4)} vs ${before}`);
  assert.ok(rms(held, 2.9, 3) < 0.01 * before, 'pedal up damps it');
  const top: Note = { ...note, pitch: FIRST_UNDAMPED_KEY + 3 };
  const [high] = await renderSalamander(piano([top]), SR, len, 3);
  assert.ok(rms(high, 1.2, 1.4) > 0.05 * rms(high, 0.3, 0.5), 'an undamped key rings after key-up');
  // Striking the same key again damps the first strike there, not at its key-up.
  const second: Note = { ...note, time: 0.3 };
  const [both] = await renderSalamander(piano([note, second]), SR, len, 3);
  const [alone] = await renderSalamander(piano([second]), SR, len, 3);
  const first = both.map((v, i) => v - alone[i]);
  assert.ok(rms(first, 0.85, 0.95) < 0.5 * rms(dry, 0.85, 0.95), `first strike after the restrike: ${rms(first, 0.85, 0.95)} vs ${rms(dry, 0.85, 0.95)}`);
  assert.ok(rms(first, 0.15, 0.25) > 0.9 * rms(dry, 0.15, 0.25), 'and is untouched before it');
});
