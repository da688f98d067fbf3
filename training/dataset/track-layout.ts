/**
 * The dataset layout every tool shares: `<root>/tracks_<rate>hz/<track>/instrument_<track>.wav`
 * and `rest_<track>.wav` (plus optional `mix_<track>.wav`, `song.json` and mark files).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';

export interface TrackPaths {
  track: string;
  dir: string;
  instrument: string;
  rest: string;
  mix: string;
}

export function trackPaths(trackDir: string): TrackPaths {
  const track = basename(trackDir);
  return { track, dir: trackDir, instrument: join(trackDir, `instrument_${track}.wav`), rest: join(trackDir, `rest_${track}.wav`), mix: join(trackDir, `mix_${track}.wav`) };
}

export function tracksDirName(sampleRate: number): string {
  return `tracks_${sampleRate}hz`;
}

/** Track directories (sorted) under a tracks_<rate>hz directory; each must hold both stems. */
export function listTracks(tracksDir: string): TrackPaths[] {
  if (!existsSync(tracksDir) || !statSync(tracksDir).isDirectory()) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `${tracksDir}: not a directory`);
  return readdirSync(tracksDir)
    .filter((name) => statSync(join(tracksDir, name)).isDirectory())
    .sort()
    .map((name) => trackPaths(join(tracksDir, name)))
    .filter((t) => existsSync(t.instrument) || existsSync(t.rest));
}
