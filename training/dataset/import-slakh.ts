/**
 * Slakh2100 importer: `<root>/<Track>/metadata.yaml` lists
 * `stems: {S00: {inst_class: Guitar, program_num: 29, is_drum: false, audio_rendered: true}, …}`,
 * the audio is `<root>/<Track>/stems/S00.flac`. Unrendered stems are skipped; guitars with GM
 * programs 29–31 (overdrive, distortion, harmonics) count as `distorted_guitar`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';
import { groupStems, instrumentGroups, loadMapping, type LabelledStem } from './grouping.js';
import { failure, readStemsMetadata, writeGroupedTrack, type ImportOptions, type ImportResult } from './import-common.js';

interface SlakhStem {
  inst_class?: string;
  program_num?: number;
  is_drum?: boolean;
  audio_rendered?: boolean;
}

/** Label of a Slakh stem for the grouping map. */
export function slakhLabel(s: SlakhStem): string {
  if (s.is_drum) return 'drums';
  const cls = (s.inst_class ?? 'other').toLowerCase();
  if (cls === 'guitar' && typeof s.program_num === 'number' && s.program_num >= 29 && s.program_num <= 31) return 'distorted electric guitar';
  return cls;
}

/** The labelled, rendered stems of one Slakh track directory. */
export function readSlakhTrack(trackDir: string): LabelledStem[] {
  const metaPath = join(trackDir, 'metadata.yaml');
  const stems = readStemsMetadata<SlakhStem>(metaPath);
  const out: LabelledStem[] = [];
  for (const [id, s] of Object.entries(stems)) {
    if (s.audio_rendered === false) continue;
    const flac = join(trackDir, 'stems', `${id}.flac`);
    const wav = join(trackDir, 'stems', `${id}.wav`);
    out.push({ label: slakhLabel(s), path: existsSync(flac) || !existsSync(wav) ? flac : wav });
  }
  return out;
}

export async function importSlakh(opts: ImportOptions): Promise<ImportResult> {
  if (!existsSync(opts.root) || !statSync(opts.root).isDirectory()) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `Slakh root ${opts.root} not found`);
  instrumentGroups(opts.instrument);
  const mapping = loadMapping(opts.mappingFile);
  const result: ImportResult = { imported: [], failed: [] };
  const tracks = readdirSync(opts.root).filter((d) => statSync(join(opts.root, d)).isDirectory()).sort();
  for (const track of tracks) {
    try {
      const { target, rest } = groupStems(readSlakhTrack(join(opts.root, track)), opts.instrument, mapping);
      await writeGroupedTrack(track, target, rest, opts);
      result.imported.push(track);
    } catch (e) {
      result.failed.push(failure(track, e));
    }
  }
  return result;
}
