/**
 * MedleyDB importer: `<root>/<Track>/<Track>_METADATA.yaml` lists
 * `stems: {S01: {instrument: 'electric bass', filename: '<Track>_STEM_01.wav'}, …}`, the files
 * live in `<root>/<Track>/<Track>_STEMS/`. Stems are grouped by their instrument label.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';
import { groupStems, instrumentGroups, loadMapping, type LabelledStem } from './grouping.js';
import { failure, readStemsMetadata, writeGroupedTrack, type ImportOptions, type ImportResult } from './import-common.js';

interface MedleyStem {
  instrument?: string | string[];
  filename?: string;
}

/** The labelled stems of one MedleyDB track directory. */
export function readMedleyDbTrack(trackDir: string, track: string): LabelledStem[] {
  const metaPath = join(trackDir, `${track}_METADATA.yaml`);
  const stems = readStemsMetadata<MedleyStem>(metaPath);
  const stemsDir = join(trackDir, `${track}_STEMS`);
  return Object.entries(stems).map(([id, s]) => {
    const label = Array.isArray(s.instrument) ? s.instrument[0] : s.instrument;
    if (typeof label !== 'string' || typeof s.filename !== 'string') throw new StemstreamError('SS_ERR_BAD_DATASET', `${metaPath}: stem ${id} needs 'instrument' and 'filename'`);
    return { label, path: join(stemsDir, s.filename) };
  });
}

export async function importMedleyDb(opts: ImportOptions): Promise<ImportResult> {
  if (!existsSync(opts.root) || !statSync(opts.root).isDirectory()) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `MedleyDB root ${opts.root} not found`);
  instrumentGroups(opts.instrument);
  const mapping = loadMapping(opts.mappingFile);
  const result: ImportResult = { imported: [], failed: [] };
  const tracks = readdirSync(opts.root).filter((d) => statSync(join(opts.root, d)).isDirectory()).sort();
  for (const track of tracks) {
    try {
      const stems = readMedleyDbTrack(join(opts.root, track), track);
      const { target, rest } = groupStems(stems, opts.instrument, mapping);
      await writeGroupedTrack(track, target, rest, opts);
      result.imported.push(track);
    } catch (e) {
      result.failed.push(failure(track, e));
    }
  }
  return result;
}
