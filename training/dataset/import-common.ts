/**
 * Shared by the importers: read a track's grouped stems, check them, sum target and rest, and
 * write `tracks_<rate>hz/<track>/{instrument,rest}_<track>.wav`. One track's failure is reported
 * (with its code) and the import goes on with the next, as demucs does with bad inputs.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StemstreamError, isStemstreamError, type ErrorCode } from '../../engine/errors.js';
import { parse as parseYaml } from 'yaml';
import { readAudioFile, writeWavFile } from './audio-io.js';
import type { LabelledStem } from './grouping.js';
import { checkStems, silence, sumStems, type NamedAudio } from './stem-sum.js';
import { trackPaths, tracksDirName } from './track-layout.js';

export interface ImportOptions {
  root: string;
  outDir: string;
  instrument: string;
  mappingFile?: string;
  /** Expected rate of the sources; a mismatch is an error (no resampling here). */
  sampleRate?: number;
}

export interface ImportResult {
  imported: string[];
  failed: { track: string; code: ErrorCode; reason: string }[];
}

export function failure(track: string, e: unknown): ImportResult['failed'][number] {
  if (isStemstreamError(e)) return { track, code: e.code, reason: e.message };
  return { track, code: 'SS_ERR_INTERNAL', reason: e instanceof Error ? e.message : String(e) };
}

async function readStems(stems: LabelledStem[]): Promise<NamedAudio[]> {
  const out: NamedAudio[] = [];
  for (const s of stems) {
    if (!existsSync(s.path)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `stem '${s.label}' file ${s.path} is missing`);
    out.push({ path: s.path, audio: await readAudioFile(s.path) });
  }
  return out;
}

/** Reads, checks, sums and writes one track; throws StemstreamError on any bad stem. */
export async function writeGroupedTrack(track: string, target: LabelledStem[], rest: LabelledStem[], opts: ImportOptions): Promise<void> {
  if (target.length === 0) throw new StemstreamError('SS_ERR_BAD_DATASET', `no ${opts.instrument} stem in this track`);
  const t = await readStems(target);
  const r = await readStems(rest);
  const { sampleRate, length } = checkStems([...t, ...r]);
  if (opts.sampleRate !== undefined && opts.sampleRate !== sampleRate) throw new StemstreamError('SS_ERR_BAD_DATASET', `stems are at ${sampleRate} Hz, not the requested ${opts.sampleRate} Hz (resample the sources first)`);
  const paths = trackPaths(join(opts.outDir, tracksDirName(sampleRate), track));
  mkdirSync(paths.dir, { recursive: true });
  writeWavFile(paths.instrument, sumStems(t), 32);
  writeWavFile(paths.rest, r.length > 0 ? sumStems(r) : silence(sampleRate, length), 32);
}

/** The `stems:` mapping of a track's YAML metadata (MedleyDB and Slakh share this shape). */
export function readStemsMetadata<T>(metaPath: string): Record<string, T> {
  if (!existsSync(metaPath)) throw new StemstreamError('SS_ERR_BAD_DATASET', `${metaPath} is missing`);
  let meta: { stems?: Record<string, T> };
  try {
    meta = parseYaml(readFileSync(metaPath, 'utf8')) as typeof meta;
  } catch (e) {
    throw new StemstreamError('SS_ERR_BAD_DATASET', `${metaPath}: invalid YAML (${(e as Error).message})`, { cause: e });
  }
  if (!meta || typeof meta.stems !== 'object' || meta.stems === null) throw new StemstreamError('SS_ERR_BAD_DATASET', `${metaPath}: no 'stems' mapping`);
  return meta.stems;
}
