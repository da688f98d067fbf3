/**
 * The 'waveguide' training family: plucked and struck strings synthesised from physical-model
 * parameters instead of recorded samples. Two soundfonts give the model two guitars of each
 * kind to learn from, and it learns those recordings rather than what a guitar is; here every
 * program number is a different instrument (string loss, brightness, pluck or hammer position,
 * stiffness, body resonances), so training hears hundreds of guitars and pianos.
 *
 * One voice is an extended Karplus–Strong string: a delay line closed by a one-zero loss filter,
 * first-order all-passes for stiffness (inharmonic partials), and an all-pass for the fractional
 * part of the period. Guitars are excited by a filtered noise burst combed at the pluck position;
 * pianos by a hammer pulse on two or three detuned strings (beating, double decay). A note off
 * (or the sustain pedal's release) switches the loop to a fast-decaying release.
 */
import { biquad, type BiquadSpec } from './effects.js';
import { hashSeed, Rng } from './prng.js';
import { releaseTimes } from './release-times.js';
import type { Note, Part, Role } from './song.js';

/** Instruments per kind: program numbers 0 … WAVEGUIDE_PROGRAMS − 1. */
export const WAVEGUIDE_PROGRAMS = 256;

/** Roles the family can voice. */
export const WAVEGUIDE_ROLES: readonly Role[] = ['guitar-acoustic', 'guitar-clean', 'guitar-muted', 'guitar-drive', 'piano'];

type Kind = 'guitar' | 'muted' | 'piano';

/** One instrument: everything a program number decides. */
export interface StringInstrument {
  kind: Kind;
  /** Decay to −60 dB of a 110 Hz (guitar) or 262 Hz (piano) fundamental, seconds. */
  t60Ref: number;
  /** T60 scales as (fRef / f)^t60Slope. */
  t60Slope: number;
  /** Loss-filter coefficient: 0 keeps the highs ringing, 0.5 is classic Karplus–Strong. */
  loss: number;
  /** Release T60 after note off, seconds. */
  releaseT60: number;
  /** Pluck / hammer position as a fraction of the string. */
  position: number;
  /** Excitation low-pass at full and at zero velocity, Hz (guitar pick brightness). */
  brightHz: [number, number];
  /** Hammer contact at full velocity, ms (piano). */
  hammerMs: number;
  /** Stiffness all-pass coefficient (≤ 0) and stage count. */
  dispersion: number;
  stages: number;
  /** Extra strings per note and their detune, cents (piano unisons, 12-string doubling). */
  strings: number;
  detuneCents: number;
  /** Octave doubling (12-string guitar). */
  octaveString: boolean;
  /** Level of the pick / hammer noise relative to the string. */
  noiseLevel: number;
  /** Velocity → amplitude exponent. */
  velocityCurve: number;
  /** Body / soundboard resonances. */
  body: BiquadSpec[];
}

function kindOf(role: Role): Kind {
  if (role === 'piano') return 'piano';
  return role === 'guitar-muted' ? 'muted' : 'guitar';
}

const logUniform = (rng: Rng, lo: number, hi: number): number => Math.exp(rng.float(Math.log(lo), Math.log(hi)));

/** The instrument a program number stands for, for a role (deterministic). */
export function waveguideInstrument(role: Role, program: number): StringInstrument {
  const kind = kindOf(role);
  const rng = new Rng(hashSeed('waveguide', kind, program));
  const body: BiquadSpec[] = [];
  const resonances = rng.int(2, 6);
  for (let i = 0; i < resonances; i++) {
    body.push({ kind: 'peaking', freqHz: logUniform(rng, kind === 'piano' ? 60 : 90, 4000), q: rng.float(1.5, 10), gainDb: rng.float(-6, 14) });
  }
  if (rng.chance(0.5)) body.push({ kind: 'highshelf', freqHz: rng.float(2000, 6000), q: 0.7, gainDb: rng.float(-12, 4) });
  if (kind === 'piano') {
    return {
      kind, body,
      t60Ref: rng.float(3, 14), t60Slope: rng.float(0.4, 1.0), loss: logUniform(rng, 0.002, 0.08), releaseT60: rng.float(0.06, 0.35),
      position: rng.float(1 / 12, 1 / 6), brightHz: [0, 0], hammerMs: logUniform(rng, 0.08, 0.6),
      dispersion: -rng.float(0.05, 0.6), stages: rng.int(1, 4),
      strings: rng.int(2, 3), detuneCents: rng.float(0.3, 4), octaveString: false,
      noiseLevel: rng.float(0, 0.15), velocityCurve: rng.float(1.2, 2.2),
    };
  }
  const muted = kind === 'muted';
  return {
    kind, body,
    t60Ref: muted ? rng.float(0.08, 0.5) : rng.float(1.5, 9), t60Slope: rng.float(0.2, 0.9), loss: muted ? rng.float(0.1, 0.5) : logUniform(rng, 0.003, 0.3),
    releaseT60: rng.float(0.03, 0.25), position: rng.float(0.05, 0.35),
    brightHz: [rng.float(2500, 10000), rng.float(500, 2500)], hammerMs: 0,
    dispersion: rng.chance(0.5) ? -rng.float(0.02, 0.3) : 0, stages: rng.int(0, 2),
    strings: rng.chance(0.12) ? 2 : 1, detuneCents: rng.float(1, 8), octaveString: rng.chance(0.08),
    noiseLevel: rng.float(0, 0.25), velocityCurve: rng.float(1.0, 2.0),
  };
}

/**
 * One string from `start`, added into `out`: excitation `exc` enters the loop, the loop decays
 * with gain `g` until `release`, then with `gRelease`; stops at −80 dB or at the buffer's end.
 */
function renderString(out: Float32Array, start: number, release: number, f0: number, sampleRate: number, inst: StringInstrument, exc: Float32Array, g: number, gRelease: number, level: number, ratio?: Float32Array): void {
  const period = sampleRate / f0;
  const w = (2 * Math.PI * f0) / sampleRate;
  // Phase delays at the fundamental (not at DC: high notes would go sharp), in samples.
  const allpassDelay = (coef: number): number => -(Math.atan2(-Math.sin(w), coef + Math.cos(w)) - Math.atan2(-coef * Math.sin(w), 1 + coef * Math.cos(w))) / w;
  const lossDelay = -Math.atan2(-inst.loss * Math.sin(w), 1 - inst.loss + inst.loss * Math.cos(w)) / w;
  let a = inst.dispersion;
  let stages = a < 0 ? inst.stages : 0;
  // High notes get fewer stiffness stages: the loop must still hold a few samples of delay line.
  while (stages > 0 && period - lossDelay - stages * allpassDelay(a) < 3) stages--;
  if (stages === 0) a = 0;
  const total = period - lossDelay - stages * allpassDelay(a);
  if (total < 2.2) return; // above what a string of this instrument can play at this rate
  if (ratio) {
    renderBentString(out, start, release, total, period, ratio, inst, exc, g, gRelease, level, a, stages);
    return;
  }
  const dInt = Math.floor(total - 0.1);
  const frac = total - dInt; // in [0.1, 1.1): the tuning all-pass is accurate there
  const c = Math.sin((w * (1 - frac)) / 2) / Math.sin((w * (1 + frac)) / 2);
  const line = new Float32Array(dInt);
  const apX = new Float64Array(stages);
  const apY = new Float64Array(stages);
  let idx = 0, prev = 0, tX = 0, tY = 0, peak = 0, quietRun = 0;
  const s = inst.loss;
  for (let n = start; n < out.length; n++) {
    const k = n - start;
    const x = line[idx];
    const gain = n < release ? g : gRelease;
    let y = gain * ((1 - s) * x + s * prev);
    prev = x;
    for (let j = 0; j < stages; j++) {
      const o = a * y + apX[j] - a * apY[j];
      apX[j] = y;
      apY[j] = o;
      y = o;
    }
    const t = c * y + tX - c * tY;
    tX = y;
    tY = t;
    const v = t + (k < exc.length ? exc[k] : 0);
    line[idx] = v;
    idx = idx + 1 === dInt ? 0 : idx + 1;
    out[n] += level * v;
    // Stop once the string has been 80 dB below its peak for a whole period.
    const m = Math.abs(v);
    if (m > peak) peak = m;
    if (k > exc.length && m < peak * 1e-4) {
      if (++quietRun > dInt + 1) break;
    } else quietRun = 0;
  }
}

/**
 * A string whose length changes while it sounds (a slide or a bend): the delay line is read at a
 * fractional, moving distance (linear interpolation) instead of through the tuning all-pass.
 * `ratio[n]` is the pitch factor at sample n; the loss and stiffness delays keep their values at
 * the starting pitch (they change little over a few semitones). The body filters come after the
 * string, so they stay put as the pitch moves, as on a real guitar.
 */
function renderBentString(out: Float32Array, start: number, release: number, total0: number, period0: number, ratio: Float32Array, inst: StringInstrument, exc: Float32Array, g: number, gRelease: number, level: number, a: number, stages: number): void {
  const fixed = period0 - total0; // loss + stiffness delay, samples
  // Room for an octave down (the bend range); lower bends are clamped there.
  const size = Math.ceil(period0 * 2) + 4;
  const line = new Float32Array(size);
  const apX = new Float64Array(stages);
  const apY = new Float64Array(stages);
  let w = 0, prev = 0, peak = 0, quietRun = 0;
  const s = inst.loss;
  for (let n = start; n < out.length; n++) {
    const k = n - start;
    const d = Math.min(size - 2, Math.max(2, period0 / ratio[n] - fixed));
    const pos = w - d + size;
    const i0 = Math.floor(pos);
    const fr = pos - i0;
    const x = (1 - fr) * line[i0 % size] + fr * line[(i0 + 1) % size];
    const gain = n < release ? g : gRelease;
    let y = gain * ((1 - s) * x + s * prev);
    prev = x;
    for (let j = 0; j < stages; j++) {
      const o = a * y + apX[j] - a * apY[j];
      apX[j] = y;
      apY[j] = o;
      y = o;
    }
    const v = y + (k < exc.length ? exc[k] : 0);
    line[w] = v;
    w = w + 1 === size ? 0 : w + 1;
    out[n] += level * v;
    const m = Math.abs(v);
    if (m > peak) peak = m;
    if (k > exc.length && m < peak * 1e-4) {
      if (++quietRun > size) break;
    } else quietRun = 0;
  }
}

/** The pitch factor 2^(semitones/12) at every sample, or undefined when the part never bends. */
function bendRatios(part: Part, sampleRate: number, nbSamples: number): Float32Array | undefined {
  const bends = part.bends;
  if (!bends || bends.every((b) => b.semitones === 0)) return undefined;
  const ratio = new Float32Array(nbSamples).fill(1);
  bends.forEach((b, i) => {
    const from = Math.max(0, Math.round(b.time * sampleRate));
    const to = i + 1 < bends.length ? Math.min(nbSamples, Math.round(bends[i + 1].time * sampleRate)) : nbSamples;
    if (to > from) ratio.fill(Math.pow(2, b.semitones / 12), from, to);
  });
  return ratio;
}

/** Excitation of one note: a pick (filtered, position-combed noise) or a hammer pulse. */
function excitation(inst: StringInstrument, note: Note, period: number, sampleRate: number, rng: Rng): Float32Array {
  const vel = note.velocity / 127;
  const comb = Math.max(1, Math.round(inst.position * period));
  let raw: Float32Array;
  if (inst.kind === 'piano') {
    // Harder blows are shorter (brighter); the pulse is a raised cosine.
    const f0 = sampleRate / period;
    const ms = inst.hammerMs * (1.6 - 0.8 * vel) * Math.sqrt(262 / f0); // bass hammers are softer and wider
    const width = Math.max(2, Math.min(Math.round(0.9 * period), Math.round((ms / 1000) * sampleRate)));
    raw = new Float32Array(width + comb);
    for (let i = 0; i < width; i++) raw[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / width);
  } else {
    const len = Math.max(2, Math.round(period));
    raw = new Float32Array(len + comb);
    const fc = inst.brightHz[1] + (inst.brightHz[0] - inst.brightHz[1]) * vel * vel;
    const p = Math.exp((-2 * Math.PI * fc) / sampleRate);
    let lp = 0;
    for (let i = 0; i < len; i++) {
      lp = (1 - p) * (rng.next() * 2 - 1) + p * lp;
      raw[i] = lp;
    }
  }
  // Plucking or striking at a fraction of the length cancels the harmonics with a node there.
  const out = new Float32Array(raw.length);
  let energy = 0;
  for (let i = 0; i < raw.length; i++) {
    out[i] = raw[i] - (i >= comb ? raw[i - comb] : 0);
    energy += out[i] * out[i];
  }
  const norm = 1 / Math.sqrt(energy / Math.max(1, period) + 1e-12);
  for (let i = 0; i < out.length; i++) out[i] *= norm * 0.3;
  return out;
}

/** Dry stereo stem `[left, right]` (identical channels, `nbSamples` long) of `part` on string instrument `program`. */
export function renderWaveguide(part: Part, program: number, sampleRate: number, nbSamples: number, seed: number): Float32Array[] {
  const inst = waveguideInstrument(part.role, program);
  const rng = new Rng(hashSeed('waveguide-notes', seed, part.name));
  const mono = new Float32Array(nbSamples);
  const releases = releaseTimes(part, sampleRate);
  const ratio = bendRatios(part, sampleRate, nbSamples);
  const fRef = inst.kind === 'piano' ? 262 : 110;
  part.notes.forEach((note, i) => {
    const start = Math.round(note.time * sampleRate);
    if (start >= nbSamples || releases[i] <= start) return;
    const f0 = 440 * Math.pow(2, (note.pitch - 69) / 12);
    const t60 = Math.min(20, Math.max(0.05, inst.t60Ref * Math.pow(fRef / f0, inst.t60Slope)));
    const g = Math.pow(10, -3 / (f0 * t60));
    const gRelease = Math.pow(10, -3 / (f0 * inst.releaseT60));
    const amp = Math.pow(note.velocity / 127, inst.velocityCurve);
    const exc = excitation(inst, note, sampleRate / f0, sampleRate, rng);
    const strings: [number, number][] = [[f0, 1]];
    for (let s = 1; s < inst.strings; s++) {
      const cents = inst.detuneCents * (s % 2 === 1 ? 1 : -1) * rng.float(0.5, 1);
      strings.push([f0 * Math.pow(2, cents / 1200), rng.float(0.5, 1)]);
    }
    if (inst.octaveString) strings.push([f0 * 2, 0.5]);
    const norm = amp / strings.reduce((sum, [, l]) => sum + l, 0);
    // A piano's unison strings lose energy at different rates (the "double decay").
    strings.forEach(([f, l], k) => {
      const gk = k === 0 ? g : Math.pow(g, rng.float(1, 3));
      renderString(mono, start, releases[i], f, sampleRate, inst, exc, gk, gRelease, l * norm, ratio);
    });
    if (inst.noiseLevel > 0) {
      // Pick scrape / hammer thump: a short decaying noise burst beside the string.
      const len = Math.round(sampleRate * (inst.kind === 'piano' ? 0.02 : 0.006));
      let lp = 0;
      for (let k = 0; k < len && start + k < nbSamples; k++) {
        lp = 0.7 * lp + 0.3 * (rng.next() * 2 - 1);
        mono[start + k] += inst.noiseLevel * amp * lp * Math.exp((-5 * k) / len);
      }
    }
  });
  for (const spec of inst.body) biquad(mono, sampleRate, spec);
  return [mono, mono.slice()];
}
