/**
 * Song → dry stems → mixed instrument and rest. Voices each part by the mix plan, renders every
 * sound family's parts in one spessasynth pass (freepats parts through timidity, waveguide strings
 * in render-waveguide.ts, Hydrogen drum kits in render-hydrogen.ts, the Salamander grand in
 * render-salamander.ts, recorded guitars in render-recorded-guitar.ts), then mixes.
 */
import { StemstreamError } from '../../engine/errors.js';
import { articulate } from './articulation.js';
import { mixdown, type StemPair } from './mixdown.js';
import { planMix, type MixPlan } from './mix-plan.js';
import type { Family, PresetRef } from './presets.js';
import { forkRng, hashSeed } from './prng.js';
import { bankHasPreset, loadFamilyBank, renderSpessa } from './render-spessa.js';
import { renderHydrogen } from './render-hydrogen.js';
import { renderRecordedGuitar } from './render-recorded-guitar.js';
import { renderSalamander } from './render-salamander.js';
import { renderTimidity } from './render-timidity.js';
import { renderWaveguide } from './render-waveguide.js';
import type { Part, Song, Split } from './song.js';

/** Release tail rendered after the last bar, seconds. */
export const TAIL_SEC = 2;

export interface RenderedSong extends StemPair {
  plan: MixPlan;
  sampleRate: number;
}

export function songSamples(song: Song, sampleRate: number): number {
  return Math.ceil((song.durationSec + TAIL_SEC) * sampleRate);
}

/** Renders `song` at `sampleRate`; instrument and rest are stereo, planar, float32. `only`: see planMix. */
export async function renderSong(song: Song, split: Split, sampleRate: number, only?: readonly Family[]): Promise<RenderedSong> {
  const plan = planMix(song, split, forkRng(song.seed, song.index, `mix-${split}`), only);
  const nbSamples = songSamples(song, sampleRate);
  const dry: Float32Array[][] = new Array(song.parts.length);
  const byFamily = new Map<Family, { part: Part; preset: PresetRef; k: number }[]>();
  song.parts.forEach((written, k) => {
    const { preset, articulation } = plan.voices[k];
    const part = articulation ? articulate(written, articulation, forkRng(song.seed, song.index, `articulate-${written.name}`)) : written;
    const list = byFamily.get(preset.family) ?? [];
    list.push({ part, preset, k });
    byFamily.set(preset.family, list);
  });
  for (const [family, list] of byFamily) {
    if (family === 'freepats') {
      for (const { part, preset, k } of list) dry[k] = await renderTimidity(part, preset, sampleRate, nbSamples);
      continue;
    }
    if (family === 'hydrogen') {
      for (const { part, preset, k } of list) dry[k] = await renderHydrogen(part, preset.program, sampleRate, nbSamples, hashSeed(song.seed, song.index));
      continue;
    }
    if (family === 'tonejs') {
      for (const { part, preset, k } of list) dry[k] = await renderRecordedGuitar(part, preset.program, sampleRate, nbSamples, hashSeed(song.seed, song.index));
      continue;
    }
    if (family === 'salamander') {
      for (const { part, k } of list) dry[k] = await renderSalamander(part, sampleRate, nbSamples, hashSeed(song.seed, song.index));
      continue;
    }
    if (family === 'waveguide') {
      for (const { part, preset, k } of list) dry[k] = renderWaveguide(part, preset.program, sampleRate, nbSamples, hashSeed(song.seed, song.index));
      continue;
    }
    const bank = loadFamilyBank(family);
    for (const { preset } of list) {
      // A missing preset would silently fall back to another sound and mislabel the family.
      if (!bankHasPreset(bank, preset)) throw new StemstreamError('SS_ERR_INTERNAL', `family ${family} has no preset bank ${preset.bank} program ${preset.program}`);
    }
    const stems = await renderSpessa(bank, list, sampleRate, nbSamples);
    list.forEach(({ k }, j) => { dry[k] = stems[j]; });
  }
  const { instrument, rest } = mixdown(dry, plan, sampleRate);
  return { instrument, rest, plan, sampleRate };
}
