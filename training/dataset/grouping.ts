/**
 * Stem groups (the thesis's classes): guitar, distorted_guitar, bass, drums, percussion, piano,
 * vocals, other, plus `mix` (a premixed stem, never summed) and `excluded` (never used).
 * A mapping file (YAML or JSON: `{ "<source label>": "<group>" }`) overrides the built-in map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { StemstreamError } from '../../engine/errors.js';

export const GROUPS = ['guitar', 'distorted_guitar', 'bass', 'drums', 'percussion', 'piano', 'vocals', 'other', 'mix', 'excluded'] as const;
export type Group = (typeof GROUPS)[number];

/** Instruments a user may ask for, and the groups that form their stem. */
export const INSTRUMENT_GROUPS: Record<string, readonly Group[]> = {
  guitar: ['guitar', 'distorted_guitar'],
  clean_guitar: ['guitar'],
  distorted_guitar: ['distorted_guitar'],
  piano: ['piano'],
  bass: ['bass'],
  drums: ['drums'],
  vocals: ['vocals'],
};

/** Built-in labels: MedleyDB instrument names and Slakh inst_class values (lower-cased). */
export const DEFAULT_MAPPING: Readonly<Record<string, Group>> = {
  'acoustic guitar': 'guitar', 'clean electric guitar': 'guitar', 'electric guitar': 'guitar', 'lap steel guitar': 'guitar', 'banjo': 'other', 'mandolin': 'other',
  'distorted electric guitar': 'distorted_guitar',
  'electric bass': 'bass', 'double bass': 'bass', 'bass': 'bass', 'synth bass': 'bass',
  'drum set': 'drums', 'drums': 'drums', 'kick drum': 'drums', 'snare drum': 'drums', 'drum machine': 'drums', 'toms': 'drums', 'bass drum': 'drums', 'high hat': 'drums', 'cymbal': 'drums',
  'auxiliary percussion': 'percussion', 'tambourine': 'percussion', 'shaker': 'percussion', 'claps': 'percussion', 'bongo': 'percussion', 'conga': 'percussion', 'timpani': 'percussion', 'percussion': 'percussion', 'chromatic percussion': 'other',
  'piano': 'piano', 'tack piano': 'piano',
  'male singer': 'vocals', 'female singer': 'vocals', 'vocalists': 'vocals', 'male rapper': 'vocals', 'female rapper': 'vocals', 'male speaker': 'vocals', 'choir': 'vocals', 'vocals': 'vocals',
  'guitar': 'guitar',
  'mix': 'mix', 'excluded': 'excluded',
};

export type Mapping = Readonly<Record<string, Group>>;

/** Reads a mapping file and merges it over the defaults; rejects unknown groups. */
export function loadMapping(path?: string): Mapping {
  if (!path) return DEFAULT_MAPPING;
  if (!existsSync(path)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `mapping file ${path} not found`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `mapping file ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new StemstreamError('SS_ERR_BAD_OPTION', `mapping file ${path}: expected "label: group" pairs`);
  const out: Record<string, Group> = { ...DEFAULT_MAPPING };
  for (const [label, group] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof group !== 'string' || !(GROUPS as readonly string[]).includes(group)) throw new StemstreamError('SS_ERR_BAD_OPTION', `mapping file ${path}: '${label}' maps to '${String(group)}', not one of ${GROUPS.join(', ')}`);
    out[label.toLowerCase()] = group as Group;
  }
  return out;
}

/** Group of a source label; unknown labels are `other` (they still belong in the rest). */
export function groupOf(label: string, mapping: Mapping): Group {
  return mapping[label.trim().toLowerCase()] ?? 'other';
}

export function instrumentGroups(instrument: string): readonly Group[] {
  const groups = INSTRUMENT_GROUPS[instrument];
  if (!groups) throw new StemstreamError('SS_ERR_BAD_OPTION', `unknown instrument '${instrument}' (one of ${Object.keys(INSTRUMENT_GROUPS).join(', ')})`);
  return groups;
}

export interface LabelledStem {
  label: string;
  path: string;
}

/** Splits stems into the instrument's, the rest, and the ones never mixed (`mix`, `excluded`). */
export function groupStems(stems: LabelledStem[], instrument: string, mapping: Mapping): { target: LabelledStem[]; rest: LabelledStem[]; unused: LabelledStem[] } {
  const wanted = instrumentGroups(instrument);
  const target: LabelledStem[] = [];
  const rest: LabelledStem[] = [];
  const unused: LabelledStem[] = [];
  for (const s of stems) {
    const g = groupOf(s.label, mapping);
    if (g === 'mix' || g === 'excluded') unused.push(s);
    else if (wanted.includes(g)) target.push(s);
    else rest.push(s);
  }
  return { target, rest, unused };
}
