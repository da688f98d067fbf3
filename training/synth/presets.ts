/**
 * Sound families and the presets each role may use, and the train/validation rule:
 * train draws every voice from FluidR3, TimGM6mb, (guitars, pianos) the procedural waveguide
 * strings of render-waveguide.ts, (drums) the Hydrogen kits of render-hydrogen.ts and, opt-in, (a
 * quarter of the pianos) the recorded Salamander grand of render-salamander.ts or (a quarter of the
 * guitars) the recorded guitars of render-recorded-guitar.ts; validation renders the target instrument
 * from a family never used in training (piano: MuseScore General's own pianos; guitar: freepats
 * through timidity, since MuseScore's guitars are FluidR3's samples). See README.md.
 */
import { StemstreamError } from '../../engine/errors.js';
import type { Rng } from './prng.js';
import { HYDROGEN_KITS } from './render-hydrogen.js';
import { recordedGuitarPrograms } from './render-recorded-guitar.js';
import { WAVEGUIDE_PROGRAMS, WAVEGUIDE_ROLES } from './render-waveguide.js';
import type { Part, Role, Split, TargetInstrument } from './song.js';

export type Family = 'fluidr3' | 'timgm6mb' | 'musescore' | 'freepats' | 'waveguide' | 'hydrogen' | 'salamander' | 'tonejs';
/** Families read from a soundfont file by spessasynth. */
export type SoundfontFamily = Exclude<Family, 'freepats' | 'waveguide' | 'hydrogen' | 'salamander' | 'tonejs'>;

/** Soundfont files (Debian packages fluid-soundfont-gm, timgm6mb-soundfont, musescore-general-soundfont). */
export const SOUNDFONT_PATHS: Record<SoundfontFamily, string> = {
  fluidr3: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
  timgm6mb: '/usr/share/sounds/sf2/TimGM6mb.sf2',
  musescore: '/usr/share/sounds/sf3/MuseScore_General.sf3',
};
/** timidity configuration for freepats (Debian packages freepats, timidity). */
export const FREEPATS_CONFIG = '/etc/timidity/freepats.cfg';

/** One voice: `bank` is the bank-select MSB (128 = drum kits). */
export interface PresetRef {
  family: Family;
  bank: number;
  program: number;
}

type Catalog = Partial<Record<Role, readonly (readonly [number, number])[]>>;

/** GM (bank, program) pairs present in both FluidR3 and TimGM6mb unless marked per family below. */
const GM: Catalog = {
  piano: [[0, 0], [0, 1], [0, 2], [0, 3]],
  epiano: [[0, 4], [0, 5], [0, 6], [0, 7]],
  organ: [[0, 16], [0, 17], [0, 18], [0, 19], [0, 20], [0, 21]],
  'guitar-acoustic': [[0, 24], [0, 25]],
  'guitar-clean': [[0, 26], [0, 27]],
  'guitar-muted': [[0, 28]],
  'guitar-drive': [[0, 29], [0, 30]],
  bass: [[0, 32], [0, 33], [0, 34], [0, 35], [0, 36], [0, 38], [0, 39]],
  strings: [[0, 40], [0, 42], [0, 44], [0, 48], [0, 49], [0, 50], [0, 51]],
  pad: [[0, 88], [0, 89], [0, 90], [0, 91], [0, 92], [0, 94], [0, 95], [0, 50]],
  brass: [[0, 56], [0, 57], [0, 60], [0, 61], [0, 62], [0, 64], [0, 65], [0, 66], [0, 68], [0, 71]],
  'synth-lead': [[0, 80], [0, 81], [0, 82], [0, 84], [0, 87], [0, 73]],
  voice: [[0, 52], [0, 53], [0, 54], [0, 85]],
  mallets: [[0, 8], [0, 9], [0, 10], [0, 11], [0, 12], [0, 13]],
  plucked: [[0, 46], [0, 104], [0, 105], [0, 107], [0, 45]],
  drums: [[128, 0], [128, 8], [128, 16], [128, 24], [128, 25], [128, 32], [128, 40]],
};

/** Extra variations only FluidR3 (and MuseScore, its descendant) has, in bank 8/16. */
const FLUID_EXTRA: Catalog = {
  epiano: [[8, 4], [8, 5]],
  organ: [[8, 16], [8, 17]],
  'guitar-acoustic': [[8, 25]],
  'guitar-clean': [[8, 26], [8, 28]],
  'guitar-drive': [[8, 30]],
  strings: [[8, 48]],
};

/** MuseScore General's own pianos: the piano validation family. */
const MUSESCORE_PIANOS: readonly (readonly [number, number])[] = [[0, 0], [8, 0], [0, 1], [0, 2], [0, 3]];
/** freepats guitar patches listed in /etc/timidity/freepats.cfg. */
const FREEPATS_GUITARS: Catalog = {
  'guitar-acoustic': [[0, 24], [0, 25]],
  'guitar-clean': [[0, 26], [0, 27]],
  'guitar-muted': [[0, 28]],
  'guitar-drive': [[0, 29], [0, 30]],
};

/**
 * Playing techniques that only training songs get, so the validation sets stay as they were:
 * natural harmonics (GM 31), which the real-recording check showed the models drop.
 */
const TRAIN_ONLY: Catalog = {
  'guitar-clean': [[0, 31]],
  'guitar-acoustic': [[0, 31]],
};

/** Presets a training song may use on top of {@link familyPresets} (soundfont families only). */
export function trainOnlyPresets(family: Family, role: Role): PresetRef[] {
  if (family !== 'fluidr3' && family !== 'timgm6mb') return [];
  return (TRAIN_ONLY[role] ?? []).map(([bank, program]) => ({ family, bank, program }));
}

export const GUITAR_ROLES: readonly Role[] = ['guitar-acoustic', 'guitar-clean', 'guitar-muted', 'guitar-drive'];

/** True when a part of this role belongs to the target stem. */
export function isTargetRole(role: Role, target: TargetInstrument): boolean {
  return target === 'piano' ? role === 'piano' : GUITAR_ROLES.includes(role);
}

/** All presets a family offers for a role (training families only for train). */
export function familyPresets(family: Family, role: Role): PresetRef[] {
  if (family === 'hydrogen') return role === 'drums' ? HYDROGEN_KITS.map((_, program) => ({ family, bank: 128, program })) : [];
  if (family === 'waveguide') return WAVEGUIDE_ROLES.includes(role) ? Array.from({ length: WAVEGUIDE_PROGRAMS }, (_, program) => ({ family, bank: 0, program })) : [];
  if (family === 'salamander') return role === 'piano' ? [{ family, bank: 0, program: 0 }] : [];
  if (family === 'tonejs') return recordedGuitarPrograms(role).map((program) => ({ family, bank: 0, program }));
  if (family === 'freepats') return (FREEPATS_GUITARS[role] ?? []).map(([bank, program]) => ({ family, bank, program }));
  if (family === 'musescore' && role === 'piano') return MUSESCORE_PIANOS.map(([bank, program]) => ({ family, bank, program }));
  const base = GM[role] ?? [];
  const extra = family === 'fluidr3' || family === 'musescore' ? (FLUID_EXTRA[role] ?? []) : [];
  return [...base, ...extra].map(([bank, program]) => ({ family, bank, program }));
}

export const TRAIN_FAMILIES: readonly Family[] = ['fluidr3', 'timgm6mb', 'waveguide', 'hydrogen', 'salamander', 'tonejs'];

/**
 * Families that take over a share of a role's training parts after the usual draw instead of
 * joining it, so that adding one leaves every other choice of every song as it was. Opt-in: only
 * when `--families` names them. The Salamander grand (a quarter of the pianos) measured no gain
 * on the held-out pianos and a loss on the real set (training/README.md, session 15), so the
 * default songs are still session 14's. The recorded tonejs guitars (a quarter of the acoustic,
 * clean and driven guitars) are not measured yet.
 */
export const TAKEOVER_FAMILIES: readonly { family: Family; role: Role; share: number }[] = [
  { family: 'salamander', role: 'piano', share: 0.25 },
  { family: 'tonejs', role: 'guitar-acoustic', share: 0.25 },
  { family: 'tonejs', role: 'guitar-clean', share: 0.25 },
  { family: 'tonejs', role: 'guitar-drive', share: 0.25 },
];

/** What a training song draws from when `--families` is not given: every family but the opt-in ones. */
export const DEFAULT_TRAIN_FAMILIES: readonly Family[] = TRAIN_FAMILIES.filter((f) => !TAKEOVER_FAMILIES.some((t) => t.family === f));

/** Families the target instrument may come from in a split. */
export function targetFamilies(split: Split, target: TargetInstrument): Family[] {
  if (split === 'train') return [...DEFAULT_TRAIN_FAMILIES];
  return target === 'piano' ? ['musescore'] : ['freepats'];
}

/** Families non-target parts may come from in a split (validation rests may use any sf2/sf3). */
export function restFamilies(split: Split): Family[] {
  return split === 'train' ? [...DEFAULT_TRAIN_FAMILIES] : ['fluidr3', 'timgm6mb', 'musescore'];
}

/**
 * Chooses a preset for a part. Target parts of a val song use the held-out family; everything
 * else a training family (or MuseScore in val rests). MuseScore's pianos never voice training data.
 * `only` restricts a train song to some training families (a machine that carries only some
 * sample sets, e.g. the accelerator machine, or adds an opt-in takeover family); undefined is
 * DEFAULT_TRAIN_FAMILIES and draws what it always drew.
 */
export function choosePreset(rng: Rng, part: Part, split: Split, target: TargetInstrument, only?: readonly Family[]): PresetRef {
  if (split === 'train') {
    for (const t of TAKEOVER_FAMILIES) {
      // A stream of its own: whether it takes over never shifts the usual draw.
      if (t.role === part.role && only?.includes(t.family) && rng.fork(`takeover-${t.family}`).chance(t.share)) return rng.pick(familyPresets(t.family, part.role));
    }
  }
  // Only families that can voice the role (waveguide: guitars and pianos; hydrogen: drums).
  // Held-out families only stay out of *training*: a role no allowed family has takes FluidR3's.
  const families = (part.isTarget ? targetFamilies(split, target) : restFamilies(split)).filter((f) => familyPresets(f, part.role).length > 0 && (!only || only.includes(f)));
  if (families.length === 0 && only) throw new StemstreamError('SS_ERR_BAD_OPTION', `no family of ${only.join(', ')} can voice a ${part.role} part`);
  const family: Family = families.length > 0 ? rng.pick(families) : 'fluidr3';
  // A technique, not a sound: one part in ten of those that can play it.
  const extra = split === 'train' ? trainOnlyPresets(family, part.role) : [];
  if (extra.length > 0 && rng.chance(0.1)) return rng.pick(extra);
  return rng.pick(familyPresets(family, part.role));
}
