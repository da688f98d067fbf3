/**
 * The 'salamander' training family: piano parts played from the Salamander Grand Piano V3, a
 * recorded Yamaha C5 (Alexander Holm, CC BY 3.0; npm packages `@audio-samples/piano-velocity*`,
 * one package per velocity layer). The two soundfonts give training one sampled piano each, with
 * few velocity layers; this is a real grand in stereo, 8 of its 16 layers, every minor third.
 * It is a training family only: the held-out pianos are MuseScore General's AKAI "Splendid
 * Grand" (a Steinway D), a different instrument.
 *
 * A note plays the nearest recorded key (at most a semitone away) retuned by cubic interpolation,
 * as a sampler does. A key's damper stops it when the key is up and the sustain pedal (CC 64) is
 * up; the top keys (from F6) have no damper, as on a real piano. Per song the piano is detuned
 * slightly and heard from the player's or the audience's side.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readAudio } from '../../engine/audio-file/index.js';
import { resample } from '../../engine/dsp/resampler.js';
import { StemstreamError } from '../../engine/errors.js';
import { hashSeed, Rng } from './prng.js';
import type { Part } from './song.js';

/** The velocity layers used (of Salamander's 16), soft to loud: one npm package each. */
export const SALAMANDER_LAYERS: readonly number[] = [2, 4, 6, 8, 10, 12, 14, 16];
/** Recorded keys: A0 (MIDI 21) to C8 (108), every three semitones. */
export const LOWEST_KEY = 21;
export const HIGHEST_KEY = 108;
/** Keys from F6 up have no damper. */
export const FIRST_UNDAMPED_KEY = 89;
/** Sample length kept (the bass keys ring for 25 s; a longer note is faded out), seconds. */
const MAX_SAMPLE_SEC = 12;
const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** The recorded key nearest to `pitch` and the shift from it in semitones (−1 … 1 inside the piano's range). */
export function nearestKey(pitch: number): { key: number; shift: number } {
  const p = Math.max(LOWEST_KEY, Math.min(HIGHEST_KEY, pitch));
  const key = LOWEST_KEY + 3 * Math.round((p - LOWEST_KEY) / 3);
  return { key, shift: pitch - key };
}

/** Salamander's file name of a key: 60 → `C4`. */
export function keyName(key: number): string {
  return `${NAMES[key % 12]}${Math.floor(key / 12) - 1}`;
}

/** Index into SALAMANDER_LAYERS for a MIDI velocity, `jitter` in [−0.5, 0.5) blurring the layer edges. */
export function layerFor(velocity: number, jitter = 0): number {
  const x = (Math.max(1, Math.min(127, velocity)) / 127) * SALAMANDER_LAYERS.length - 0.5 + jitter;
  return Math.max(0, Math.min(SALAMANDER_LAYERS.length - 1, Math.round(x)));
}

/** Damper release time constant (to 1/e), seconds: bass strings stop more slowly. */
export function damperTau(key: number): number {
  const t = (Math.max(LOWEST_KEY, Math.min(FIRST_UNDAMPED_KEY, key)) - LOWEST_KEY) / (FIRST_UNDAMPED_KEY - LOWEST_KEY);
  return 0.25 + (0.05 - 0.25) * t;
}

function layerDir(layer: number): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve(`@audio-samples/piano-velocity${layer}/package.json`)), 'audio');
  } catch {
    return null;
  }
}

/** True when every layer package is installed (they are devDependencies). */
export function salamanderAvailable(): boolean {
  return SALAMANDER_LAYERS.every((l) => { const d = layerDir(l); return d !== null && existsSync(d); });
}

/** Decoded keys at one output rate, shared by all songs of a worker: (rate, layer, key) → stereo. */
const cache = new Map<string, Float32Array[]>();

async function loadKey(layer: number, key: number, sampleRate: number): Promise<Float32Array[]> {
  const id = `${sampleRate}/${layer}/${key}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const dir = layerDir(layer);
  if (dir === null) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `the salamander piano family needs the npm package @audio-samples/piano-velocity${layer} (npm install: it is a devDependency)`);
  }
  const a = await readAudio(join(dir, `${keyName(key)}v${layer}.ogg`));
  const keep = Math.min(a.channels[0].length, Math.round(MAX_SAMPLE_SEC * a.sampleRate));
  const src = [0, 1].map((c) => a.channels[Math.min(c, a.channels.length - 1)].slice(0, keep));
  // Fade the cut so a long note ends without a click.
  const fade = Math.round(0.5 * a.sampleRate);
  if (keep < a.channels[0].length) for (const ch of src) for (let i = 0; i < fade; i++) ch[keep - 1 - i] *= i / fade;
  const out = a.sampleRate === sampleRate ? src : await resample(src, a.sampleRate, sampleRate);
  cache.set(id, out);
  return out;
}

/** Sustain-pedal intervals [down, up) from the part's CC 64 events. */
function pedalIntervals(part: Part): [number, number][] {
  const events = part.controls.filter((c) => c.controller === 64).sort((a, b) => a.time - b.time);
  const out: [number, number][] = [];
  let downAt: number | null = null;
  for (const e of events) {
    if (e.value >= 64 && downAt === null) downAt = e.time;
    else if (e.value < 64 && downAt !== null) { out.push([downAt, e.time]); downAt = null; }
  }
  if (downAt !== null) out.push([downAt, Infinity]);
  return out;
}

/** When the damper falls on a key released at `off`: then, or when the pedal comes up. */
function damperTime(off: number, pedal: readonly [number, number][]): number {
  for (const [down, up] of pedal) if (off >= down && off < up) return up;
  return off;
}

/** 4-point cubic (Catmull-Rom) read of `x` at fractional index `t`. */
function cubicAt(x: Float32Array, t: number): number {
  const i = Math.floor(t);
  const f = t - i;
  const xm1 = x[i - 1] ?? 0, x0 = x[i] ?? 0, x1 = x[i + 1] ?? 0, x2 = x[i + 2] ?? 0;
  return x0 + 0.5 * f * (x1 - xm1 + f * (2 * xm1 - 5 * x0 + 4 * x1 - x2 + f * (3 * (x0 - x1) + x2 - xm1)));
}

/** Dry stereo stem `[left, right]` (`nbSamples` long) of piano `part` on the Salamander grand. */
export async function renderSalamander(part: Part, sampleRate: number, nbSamples: number, seed: number): Promise<Float32Array[]> {
  const rng = new Rng(hashSeed('salamander', seed, part.name));
  const detune = rng.float(-0.12, 0.12);
  const swap = rng.chance(0.5);
  const pedal = pedalIntervals(part);
  const notes = part.notes.slice().sort((a, b) => a.time - b.time);
  const out = [new Float32Array(nbSamples), new Float32Array(nbSamples)];
  for (let n = 0; n < notes.length; n++) {
    const note = notes[n];
    const start = Math.round(note.time * sampleRate);
    if (start >= nbSamples) continue;
    const hit = new Rng(hashSeed('salamander-hit', seed, part.name, note.pitch, Math.round(note.time * 1e4)));
    const { key, shift } = nearestKey(note.pitch);
    const layer = SALAMANDER_LAYERS[layerFor(note.velocity, hit.float(-0.5, 0.5))];
    const sample = await loadKey(layer, key, sampleRate);
    const ratio = Math.pow(2, (shift + detune) / 12);
    // The damper falls at key-up (or pedal-up), or when the same key is struck again.
    let damp = note.pitch >= FIRST_UNDAMPED_KEY ? Infinity : damperTime(note.time + note.duration, pedal);
    const again = notes.find((m, j) => j > n && m.pitch === note.pitch);
    if (again && again.time < damp) damp = again.time;
    const tau = damperTau(key) * sampleRate;
    const dampAt = Number.isFinite(damp) ? Math.max(0, Math.round(damp * sampleRate) - start) : Infinity;
    // Play until the sample runs out, the stem ends, or the damper has taken it to −80 dB.
    const len = Math.min(Math.floor((sample[0].length - 2) / ratio), nbSamples - start, dampAt + Math.ceil(9.2 * tau));
    const gain = hit.float(0.92, 1.08);
    for (let c = 0; c < 2; c++) {
      const src = sample[swap ? 1 - c : c];
      const dst = out[c];
      for (let i = 0; i < len; i++) {
        const env = i < dampAt ? gain : gain * Math.exp(-(i - dampAt) / tau);
        dst[start + i] += env * cubicAt(src, i * ratio);
      }
    }
  }
  return out;
}
