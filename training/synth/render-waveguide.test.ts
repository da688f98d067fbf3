import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderWaveguide, waveguideInstrument, WAVEGUIDE_PROGRAMS } from './render-waveguide.js';
import type { ControlEvent, Note, Part, Role } from './song.js';

const SR = 22050;

function part(role: Role, notes: Note[], controls: ControlEvent[] = []): Part {
  return { name: 'p', role, style: 'test', isDrums: false, isTarget: true, notes, controls };
}

function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.round(from * SR); i < Math.round(to * SR); i++) s += x[i] * x[i];
  return Math.sqrt(s / (Math.round(to * SR) - Math.round(from * SR)));
}

/** The strongest frequency within ±60 cents of `near` (a fine DFT scan, Hann window), Hz. */
function fundamental(x: Float32Array, from: number, to: number, near: number): number {
  const seg = x.subarray(Math.round(from * SR), Math.round(to * SR));
  let best = 0;
  let bestF = near;
  for (let c = -60; c <= 60; c += 0.5) {
    const f = near * 2 ** (c / 1200);
    let re = 0;
    let im = 0;
    for (let i = 0; i < seg.length; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / seg.length);
      re += w * seg[i] * Math.cos((2 * Math.PI * f * i) / SR);
      im -= w * seg[i] * Math.sin((2 * Math.PI * f * i) / SR);
    }
    if (re * re + im * im > best) [best, bestF] = [re * re + im * im, f];
  }
  return bestF;
}

test('programs are distinct, deterministic instruments', () => {
  assert.deepEqual(waveguideInstrument('piano', 7), waveguideInstrument('piano', 7));
  assert.notDeepEqual(waveguideInstrument('piano', 7), waveguideInstrument('piano', 8));
  assert.equal(waveguideInstrument('guitar-clean', 3).kind, 'guitar');
  assert.equal(waveguideInstrument('guitar-muted', 3).kind, 'muted');
  const t60 = new Set(Array.from({ length: WAVEGUIDE_PROGRAMS }, (_, p) => waveguideInstrument('guitar-acoustic', p).t60Ref.toFixed(2)));
  assert.ok(t60.size > WAVEGUIDE_PROGRAMS / 2, 'parameters vary across programs');
});

test('the fundamental is in tune within 5 cents (stiff strings stretch only the upper partials)', () => {
  for (const role of ['guitar-clean', 'piano'] as const) {
    for (const program of [0, 5, 17, 100]) {
      for (const key of [45, 57, 81]) {
        const [l, r] = renderWaveguide(part(role, [{ time: 0.05, duration: 1, pitch: key, velocity: 100 }]), program, SR, SR, 1);
        assert.deepEqual(l, r);
        const want = 440 * 2 ** ((key - 69) / 12);
        const cents = 1200 * Math.log2(fundamental(l, 0.1, 0.9, want) / want);
        assert.ok(Math.abs(cents) < 5, `${role} program ${program} key ${key}: ${cents.toFixed(1)} cents`);
      }
    }
  }
});

test('a note off damps the string; the sustain pedal holds a piano note', () => {
  const note = (duration: number): Note[] => [{ time: 0, duration, pitch: 60, velocity: 90 }];
  const [long] = renderWaveguide(part('guitar-acoustic', note(1.5)), 3, SR, 2 * SR, 1);
  const [short] = renderWaveguide(part('guitar-acoustic', note(0.2)), 3, SR, 2 * SR, 1);
  assert.ok(rms(long, 0.05, 0.15) > 1e-3, 'audible');
  assert.ok(rms(short, 0.6, 1.0) < 0.05 * rms(long, 0.6, 1.0), 'released note decays fast');
  const down: ControlEvent[] = [{ time: 0, controller: 64, value: 127 }, { time: 1.5, controller: 64, value: 0 }];
  const [held] = renderWaveguide(part('piano', note(0.2), down), 3, SR, 2 * SR, 1);
  const [dry] = renderWaveguide(part('piano', note(0.2)), 3, SR, 2 * SR, 1);
  assert.ok(rms(held, 0.6, 1.0) > 20 * rms(dry, 0.6, 1.0), 'pedal keeps it ringing');
  assert.ok(rms(held, 1.7, 2.0) < 0.05 * rms(held, 0.6, 1.0), 'pedal up damps it');
});

test('louder notes are louder and every sample is finite', () => {
  for (const program of [0, 1, 2, 3]) {
    const [soft] = renderWaveguide(part('piano', [{ time: 0, duration: 1, pitch: 40, velocity: 30 }]), program, SR, SR, 1);
    const [loud] = renderWaveguide(part('piano', [{ time: 0, duration: 1, pitch: 40, velocity: 120 }]), program, SR, SR, 1);
    assert.ok(loud.every(Number.isFinite));
    assert.ok(rms(loud, 0, 0.5) > 2 * rms(soft, 0, 0.5), `program ${program}`);
  }
  // The top of a piano at 22.05 kHz: short loops stay stable.
  const [top] = renderWaveguide(part('piano', [{ time: 0, duration: 1, pitch: 108, velocity: 127 }]), 9, SR, SR, 1);
  assert.ok(top.every((v) => Number.isFinite(v) && Math.abs(v) < 10));
});
