/**
 * A sampler for recorded instruments shipped as one audio file per key (and per velocity layer)
 * in npm packages: the Salamander grand (render-salamander.ts) and the tonejs-instruments guitars
 * (render-recorded-guitar.ts). A note plays the nearest recorded key retuned by cubic
 * interpolation, as a hardware sampler does; the damper stops it when release-times.ts says (the
 * waveguide strings' rule: key-up, pedal-up, or the same key struck again).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readAudio } from '../../engine/audio-file/index.js';
import { resample } from '../../engine/dsp/resampler.js';
import { StemstreamError } from '../../engine/errors.js';
import { hashSeed, Rng } from './prng.js';
import { releaseTimes } from './release-times.js';
import type { Part } from './song.js';

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** Scientific pitch name of a MIDI key: 60 → `C4`, 61 → `C#4`. */
export function keyName(key: number): string {
  return `${NAMES[key % 12]}${Math.floor(key / 12) - 1}`;
}

export interface SampleLayer {
  /** npm package holding the files. */
  pkg: string;
  /** Folder of the files inside the package ('' for its root). */
  dir: string;
  /** Recorded keys, ascending. */
  keys: readonly number[];
  /** File name of a key. */
  file(key: number): string;
}

export interface SampledInstrument {
  /** Names the random streams and the errors. */
  id: string;
  /** Velocity layers, soft to loud. */
  layers: readonly SampleLayer[];
  /** Damper release time constant (to 1/e) of a key, seconds. */
  damperTau(key: number): number;
  /** True for keys (MIDI pitches) without a damper, a piano's top octaves: they ring past key-up and pedal-up. */
  undamped(pitch: number): boolean;
  /** Sample length kept, seconds (longer notes fade out over the last half second). */
  maxSampleSec: number;
  /** Per-song detune range, ± semitones. */
  detune: number;
}

/** The recorded key of `keys` nearest to `pitch` (the lower on a tie) and the shift from it in semitones. */
export function nearestKey(keys: readonly number[], pitch: number): { key: number; shift: number } {
  let key = keys[0];
  for (const k of keys) if (Math.abs(pitch - k) < Math.abs(pitch - key)) key = k;
  return { key, shift: pitch - key };
}

/** Index into `nbLayers` velocity layers for a MIDI velocity; `jitter` in [−0.5, 0.5) blurs the layer edges. */
export function layerFor(nbLayers: number, velocity: number, jitter = 0): number {
  const x = (Math.max(1, Math.min(127, velocity)) / 127) * nbLayers - 0.5 + jitter;
  return Math.max(0, Math.min(nbLayers - 1, Math.round(x)));
}

function packageDir(pkg: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

/** True when every package of the instrument is installed (they are devDependencies). */
export function samplesAvailable(inst: SampledInstrument): boolean {
  return inst.layers.every((l) => { const d = packageDir(l.pkg); return d !== null && existsSync(join(d, l.dir)); });
}

/** Decoded keys at one output rate, shared by all songs of a worker: (id, rate, layer, key) → stereo. */
const cache = new Map<string, Float32Array[]>();

async function loadKey(inst: SampledInstrument, layer: number, key: number, sampleRate: number): Promise<Float32Array[]> {
  const id = `${inst.id}/${sampleRate}/${layer}/${key}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const spec = inst.layers[layer];
  const dir = packageDir(spec.pkg);
  if (dir === null) throw new StemstreamError('SS_ERR_BAD_OPTION', `the ${inst.id} family needs the npm package ${spec.pkg} (a devDependency: npm install)`);
  const a = await readAudio(join(dir, spec.dir, spec.file(key)));
  const keep = Math.min(a.channels[0].length, Math.round(inst.maxSampleSec * a.sampleRate));
  const src = [0, 1].map((c) => a.channels[Math.min(c, a.channels.length - 1)].slice(0, keep));
  // Fade the cut so a long note ends without a click.
  const fade = Math.round(0.5 * a.sampleRate);
  if (keep < a.channels[0].length) for (const ch of src) for (let i = 0; i < fade; i++) ch[keep - 1 - i] *= i / fade;
  const out = a.sampleRate === sampleRate ? src : await resample(src, a.sampleRate, sampleRate);
  cache.set(id, out);
  return out;
}

/** 4-point cubic (Catmull-Rom) read of `x` at fractional index `t`. */
function cubicAt(x: Float32Array, t: number): number {
  const i = Math.floor(t);
  const f = t - i;
  const xm1 = x[i - 1] ?? 0, x0 = x[i] ?? 0, x1 = x[i + 1] ?? 0, x2 = x[i + 2] ?? 0;
  return x0 + 0.5 * f * (x1 - xm1 + f * (2 * xm1 - 5 * x0 + 4 * x1 - x2 + f * (3 * (x0 - x1) + x2 - xm1)));
}

/**
 * Dry stereo stem `[left, right]` (`nbSamples` long) of `part` played on `inst`. Per song the
 * instrument is detuned slightly and its stereo image may be mirrored (player's or audience's side).
 */
export async function renderSampled(inst: SampledInstrument, part: Part, sampleRate: number, nbSamples: number, seed: number): Promise<Float32Array[]> {
  const rng = new Rng(hashSeed(inst.id, seed, part.name));
  const detune = rng.float(-inst.detune, inst.detune);
  const swap = rng.chance(0.5);
  const release = releaseTimes(part, sampleRate, (pitch) => inst.undamped(pitch));
  const order = part.notes.map((_, i) => i).sort((a, b) => part.notes[a].time - part.notes[b].time);
  const out = [new Float32Array(nbSamples), new Float32Array(nbSamples)];
  for (const n of order) {
    const note = part.notes[n];
    const start = Math.round(note.time * sampleRate);
    if (start >= nbSamples) continue;
    const hit = new Rng(hashSeed(`${inst.id}-hit`, seed, part.name, note.pitch, Math.round(note.time * 1e4)));
    const layer = layerFor(inst.layers.length, note.velocity, hit.float(-0.5, 0.5));
    const { key, shift } = nearestKey(inst.layers[layer].keys, note.pitch);
    const sample = await loadKey(inst, layer, key, sampleRate);
    const ratio = Math.pow(2, (shift + detune) / 12);
    const tau = inst.damperTau(key) * sampleRate;
    const dampAt = Number.isFinite(release[n]) ? Math.max(0, release[n] - start) : Infinity;
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
