/**
 * `mix_<track>.wav` = instrument + rest, sample by sample in float32, after checking the two
 * stems agree on rate, length and channels. Also the check the synth tests use.
 */
import { StemstreamError } from '../../engine/errors.js';
import { readAudioFile, writeWavFile, type AudioData } from './audio-io.js';
import { checkStems } from './stem-sum.js';
import { listTracks, trackPaths, type TrackPaths } from './track-layout.js';

/** Planar float32 sum of two stems of identical shape. */
export function addStems(a: AudioData, b: AudioData, names: [string, string] = ['instrument', 'rest']): AudioData {
  checkStems([{ path: names[0], audio: a }, { path: names[1], audio: b }]);
  if (a.channels.length !== b.channels.length) throw new StemstreamError('SS_ERR_BAD_DATASET', `${names[0]} has ${a.channels.length} channels but ${names[1]} has ${b.channels.length}`);
  const channels = a.channels.map((ch, c) => {
    const out = new Float32Array(ch.length);
    const other = b.channels[c];
    for (let i = 0; i < ch.length; i++) out[i] = ch[i] + other[i];
    return out;
  });
  return { sampleRate: a.sampleRate, channels };
}

/** Reads one track's stems and writes its mix; returns the paths. */
export async function mixTrack(trackDir: string): Promise<TrackPaths> {
  const t = trackPaths(trackDir);
  const inst = await readAudioFile(t.instrument);
  const rest = await readAudioFile(t.rest);
  writeWavFile(t.mix, addStems(inst, rest, [t.instrument, t.rest]), 32);
  return t;
}

export async function mixTree(tracksDir: string): Promise<TrackPaths[]> {
  const out: TrackPaths[] = [];
  for (const t of listTracks(tracksDir)) out.push(await mixTrack(t.dir));
  return out;
}
