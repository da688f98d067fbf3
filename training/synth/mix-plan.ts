/**
 * The production choices for one song, drawn from its seed: a preset per part (respecting the
 * split's families), and per-stem gain, pan, EQ, amp drive, compression, chorus and reverb send.
 * Kept as data so song.json records exactly what was done.
 */
import type { BiquadSpec, ChorusSpec, CompressorSpec, DriveSpec, ReverbSpec } from './effects.js';
import { drawArticulation, type ArticulationSpec } from './articulation.js';
import { choosePreset, type Family, type PresetRef } from './presets.js';
import type { Rng } from './prng.js';
import type { Part, Split, Song } from './song.js';

export interface StemFx {
  /** Gain after loudness normalisation of the dry stem, dB. */
  gainDb: number;
  /** −1 left … +1 right. */
  pan: number;
  eq: BiquadSpec[];
  drive?: DriveSpec;
  compressor?: CompressorSpec;
  chorus?: ChorusSpec;
  /** Linear send level into the song's room. */
  reverbSend: number;
}

export interface PartVoice {
  part: string;
  role: Part['role'];
  isTarget: boolean;
  preset: PresetRef;
  fx: StemFx;
  /** Slides, bends and vibrato (training guitar lines only; see articulation.ts). */
  articulation?: ArticulationSpec;
}

export interface MixPlan {
  voices: PartVoice[];
  room: ReverbSpec;
  /** Level of the whole target group relative to the rest, dB. */
  targetOffsetDb: number;
  /** Peak of the final mix, linear (level variety: some songs quiet, some hot). */
  mixPeak: number;
}

function randomEq(rng: Rng, role: Part['role']): BiquadSpec[] {
  const eq: BiquadSpec[] = [];
  if (role !== 'bass' && role !== 'drums' && rng.chance(0.7)) eq.push({ kind: 'highpass', freqHz: rng.float(40, 200), q: 0.7 });
  if (rng.chance(0.6)) eq.push({ kind: 'peaking', freqHz: Math.exp(rng.float(Math.log(150), Math.log(6000))), q: rng.float(0.5, 2.5), gainDb: rng.float(-8, 8) });
  if (rng.chance(0.4)) eq.push({ kind: 'highshelf', freqHz: rng.float(2500, 7000), q: 0.7, gainDb: rng.float(-9, 5) });
  if (rng.chance(0.3)) eq.push({ kind: 'lowshelf', freqHz: rng.float(100, 400), q: 0.7, gainDb: rng.float(-6, 5) });
  if (rng.chance(0.15)) eq.push({ kind: 'lowpass', freqHz: rng.float(2500, 8000), q: 0.7 });
  return eq;
}

function stemFx(rng: Rng, part: Part): StemFx {
  const role = part.role;
  const fx: StemFx = { gainDb: 0, pan: 0, eq: randomEq(rng, role), reverbSend: rng.chance(0.8) ? rng.float(0.05, 0.6) : 0 };
  switch (role) {
    case 'drums': fx.gainDb = rng.float(-3, 2); fx.pan = rng.float(-0.1, 0.1); fx.reverbSend *= 0.5; break;
    case 'bass': fx.gainDb = rng.float(-3, 1); fx.pan = 0; fx.reverbSend = 0; break;
    default: fx.gainDb = part.isTarget ? rng.float(-2, 2) : rng.float(-9, 0); fx.pan = rng.float(-0.8, 0.8);
  }
  const guitar = role.startsWith('guitar');
  if (role === 'guitar-drive' || (guitar && rng.chance(0.15)) || (role === 'organ' && rng.chance(0.2))) {
    const heavy = role === 'guitar-drive' && rng.chance(0.6);
    fx.drive = { driveDb: heavy ? rng.float(18, 36) : rng.float(4, 18), bias: rng.float(0, 0.3), cabLowHz: rng.float(70, 140), cabHighHz: rng.float(2800, 6000), midDb: rng.float(-8, 6) };
  }
  if (rng.chance(guitar || role === 'piano' ? 0.5 : 0.3)) fx.compressor = { thresholdDb: rng.float(-30, -10), ratio: rng.float(2, 8), attackMs: rng.float(1, 30), releaseMs: rng.float(50, 300) };
  if (rng.chance(guitar || role === 'epiano' || role === 'pad' ? 0.3 : 0.1)) fx.chorus = { rateHz: rng.float(0.2, 2), depthMs: rng.float(0.5, 4), delayMs: rng.float(7, 20), mix: rng.float(0.2, 0.6) };
  return fx;
}

/** Draws the mix plan of `song` for `split` (voices from the families in `only`, when given). */
export function planMix(song: Song, split: Split, rng: Rng, only?: readonly Family[]): MixPlan {
  const voices = song.parts.map((part) => {
    const prng = rng.fork(part.name);
    const preset = choosePreset(prng.fork('preset'), part, split, song.target, only);
    const articulation = drawArticulation(prng.fork('articulation'), part, split, preset.family, song.target);
    return { part: part.name, role: part.role, isTarget: part.isTarget, preset, fx: stemFx(prng.fork('fx'), part), ...(articulation ? { articulation } : {}) };
  });
  return {
    voices,
    room: { roomSize: rng.float(0.1, 0.95), damping: rng.float(0.1, 0.9), spread: rng.int(10, 40), preDelayMs: rng.float(0, 40) },
    targetOffsetDb: rng.float(-7, 5),
    mixPeak: Math.pow(10, rng.float(-14, -1) / 20),
  };
}
