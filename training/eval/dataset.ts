import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { StemstreamError, describeError } from '../../engine/errors.js';

/**
 * The evaluation dataset layout (same as the thesis tools and the generator):
 * `DIR/tracks_<rate>hz/<track>/instrument_<track>.wav` + `rest_<track>.wav`, stems mono or
 * stereo, any WAV sample format (the generator writes float32).
 */

export interface TrackFiles {
  name: string;
  instrumentPath: string;
  restPath: string;
}

export interface DatasetListing {
  /** The `tracks_<rate>hz` folder used. */
  tracksDir: string;
  /** Rate in the folder name, Hz. */
  sampleRate: number;
  /** Sorted by name. */
  tracks: TrackFiles[];
}

/** A planar stem: `channels[c][frame]`, float32 nominally in [−1, 1]. */
export interface PlanarAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/**
 * Finds the tracks of `dataDir`. When several `tracks_<rate>hz` folders exist, `preferRate`
 * (default 22050) is taken if present, else the highest rate.
 * @throws StemstreamError SS_ERR_FILE_NOT_FOUND / SS_ERR_BAD_DATASET
 */
export function listTracks(dataDir: string, preferRate = 22050): DatasetListing {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `dataset folder not found: ${dataDir}`);
  }
  const rates = readdirSync(dataDir)
    .map((entry) => /^tracks_(\d+)hz$/.exec(entry))
    .filter((m): m is RegExpExecArray => m !== null && statSync(join(dataDir, m[0])).isDirectory())
    .map((m) => Number(m[1]))
    .filter((rate) => rate > 0);
  if (rates.length === 0) {
    throw new StemstreamError('SS_ERR_BAD_DATASET', `${dataDir} has no tracks_<rate>hz folder (expected e.g. tracks_22050hz/<track>/instrument_<track>.wav)`);
  }
  const sampleRate = rates.includes(preferRate) ? preferRate : Math.max(...rates);
  const tracksDir = join(dataDir, `tracks_${sampleRate}hz`);
  const tracks: TrackFiles[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(tracksDir).sort()) {
    const dir = join(tracksDir, name);
    if (!statSync(dir).isDirectory()) continue;
    const instrumentPath = join(dir, `instrument_${name}.wav`);
    const restPath = join(dir, `rest_${name}.wav`);
    const missing = [instrumentPath, restPath].filter((p) => !existsSync(p));
    if (missing.length > 0) {
      problems.push(`${name}: missing ${missing.map((p) => p.slice(dir.length + 1)).join(' and ')}`);
      continue;
    }
    tracks.push({ name, instrumentPath, restPath });
  }
  if (problems.length > 0) {
    throw new StemstreamError('SS_ERR_BAD_DATASET', `incomplete tracks in ${tracksDir}:\n  ${problems.join('\n  ')}`);
  }
  if (tracks.length === 0) throw new StemstreamError('SS_ERR_BAD_DATASET', `no tracks in ${tracksDir}`);
  return { tracksDir, sampleRate, tracks };
}

/**
 * Reads a whole WAV file into planar float32 (integer PCM divided by 2^(bits−1), i.e. in [−1, 1)).
 * @throws StemstreamError SS_ERR_FILE_NOT_FOUND / SS_ERR_CORRUPT_AUDIO
 */
export function readWav(path: string): PlanarAudio {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `cannot read ${path}: ${describeError(e)}`, { cause: e });
  }
  try {
    const wav = new wavefile.WaveFile(bytes);
    // Copy the header fields first: toBitDepth() rebuilds the fmt chunk (its sampleRate reads 0 afterwards).
    const { sampleRate, numChannels } = wav.fmt as { sampleRate: number; numChannels: number };
    if (!(sampleRate > 0)) throw new Error(`sample rate ${sampleRate} in the header`);
    const bitDepth = (wav as unknown as { bitDepth: string }).bitDepth;
    // Integer PCM is scaled by 2^(bits−1) as libsndfile/soundfile (hence librosa) do; 8-bit is unsigned.
    const intScale: Record<string, [number, number]> = { '8': [128, 128], '16': [0, 32768], '24': [0, 8388608], '32': [0, 2147483648] };
    const scale = intScale[bitDepth];
    // Other encodings (A-law, µ-law, ADPCM) go through wavefile's own conversion.
    if (scale === undefined && bitDepth !== '32f' && bitDepth !== '64') wav.toBitDepth('32f');
    const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    const planar = numChannels === 1 ? [raw as Float64Array] : (raw as Float64Array[]);
    const channels = planar.map((c) => {
      const out = new Float32Array(c.length);
      if (scale === undefined) out.set(c);
      else for (let i = 0; i < c.length; i++) out[i] = (c[i] - scale[0]) / scale[1];
      return out;
    });
    return { sampleRate, channels };
  } catch (e) {
    throw new StemstreamError('SS_ERR_CORRUPT_AUDIO', `${path} is not a readable WAV file: ${describeError(e)}`, { cause: e });
  }
}
