/**
 * `stemstream dataset real-mixes`: evaluation tracks made of *real recordings*. All training data
 * is synthesised from General MIDI soundfonts; this set checks the models on recorded sound. The
 * recordings are the CC0 samples of the Debian package `sonic-pi-samples`
 * (/usr/share/sonic-pi/samples, all from freesound.org): real electric-guitar phrases and a real
 * piano chord, layered over real drum/percussion loops. Each track:
 *
 * - instrument = one phrase placed a few times (small gaps, ±2 dB per placement, mono phrases
 *   panned) over 12–20 s, the last placement cut with a short fade;
 * - rest = one rhythm loop tiled over the whole track from a random phase, plus an accompaniment
 *   (guitar set: the piano chord in about half the tracks; piano set: a guitar phrase always) at
 *   a random level relative to the loop;
 * - the instrument is scaled to −6, 0 or +3 dB relative to the rest (power over the whole track,
 *   both channels), then both stems by one factor so the mix peaks at −1 dBFS.
 *
 * Output: `OUT/tracks_<rate>hz/<track>/{instrument,rest,mix}_<track>.wav` (stereo float32, the
 * samples' own rate, no resampling) + `real-mix.json` (every sample, offset, gain, pan, license)
 * and `OUT/real-mixes.json` (the set). Deterministic for (instrument, seed, tracks, lengths).
 *
 * Limits: real recordings but a layered arrangement, not a band playing together (no shared
 * tempo, key, room or bleed), few distinct phrases (4 guitar, 1 piano chord).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';
import { hashSeed, Rng } from '../synth/prng.js';
import { readAudioFile, writeWavFile, type AudioData } from './audio-io.js';
import { addStems } from './mix.js';
import { tracksDirName } from './track-layout.js';

export const REAL_MIX_INSTRUMENTS = ['guitar', 'piano'] as const;
export type RealMixInstrument = (typeof REAL_MIX_INSTRUMENTS)[number];

/** Where Debian's `sonic-pi-samples` puts them. */
export const DEFAULT_SAMPLES_DIR = '/usr/share/sonic-pi/samples';

/** Real electric-guitar recordings (freesound: Sub-d ×2, Suva, BStateham). */
export const GUITAR_PHRASES = ['guit_em9', 'guit_e_fifths', 'guit_e_slide', 'guit_harmonics'] as const;
/** A real piano chord (freesound: RutgerMuller), the only piano recording in the package. */
export const PIANO_PHRASES = ['ambi_piano'] as const;
/**
 * Real drum and percussion recordings that loop cleanly (each is a whole number of bars): the
 * amen break (full and one bar), a breakbeat, three drum-kit loops, a hand-percussion loop, a
 * tabla loop. Left out: loop_industrial (0.9 s of processed noise), the mehackit/hullum loops
 * (3d_printer, electric, perc1/2, mehackit1/2, weirdo, drone_g_97: machine and synth sound
 * design), the ambi_* pads (drones and processed textures), the bass_* one-shots (single synth
 * notes, not a bass line).
 */
export const BACKING_LOOPS = ['loop_amen_full', 'loop_amen', 'loop_breakbeat', 'loop_compus', 'loop_mika', 'loop_garzul', 'loop_safari', 'loop_tabla'] as const;
/** Instrument level relative to the rest, dB; tracks cycle through them. */
export const REAL_MIX_LEVELS_DB = [-6, 0, 3] as const;
/** The mix is scaled to peak here. */
export const REAL_MIX_PEAK_DB = -1;
export const REAL_MIX_LICENSE = 'CC0-1.0';

export interface RealMixOptions {
  /** Folder holding the sonic-pi samples (`<name>.flac` or `<name>.wav`). */
  samplesDir: string;
  instrument: RealMixInstrument;
  outDir: string;
  /** Default 1. */
  seed?: number;
  /** Number of tracks (default 20). */
  tracks?: number;
  /** Track length range, seconds (default 12–20). */
  minSeconds?: number;
  maxSeconds?: number;
  onTrack?: (done: number, total: number, track: RealMixTrack) => void;
}

/** One use of a recording inside a track. */
export interface Placement {
  /** Where it starts in the track, seconds (frames / rate). */
  atSec: number;
  /** Where in the sample it starts, seconds. */
  sourceOffsetSec: number;
  lengthSec: number;
  /** Total linear gain applied to the sample, in dB (level, placement variation and peak scaling together). */
  gainDb: number;
  /** Mono samples: constant-power pan in [−1, 1] (gains cos/sin of (pan+1)·π/4); stereo samples: null (kept as recorded). */
  pan: number | null;
  /** Linear fade-out at the end of the placement, seconds (0: none). */
  fadeOutSec: number;
}

export interface LayerRecord {
  stem: 'instrument' | 'rest';
  role: 'instrument' | 'backing' | 'accompaniment';
  sample: string;
  file: string;
  sha256: string;
  url: string | null;
  license: string;
  placements: Placement[];
}

export interface RealMixTrack {
  track: string;
  index: number;
  instrument: RealMixInstrument;
  seed: number;
  sampleRate: number;
  nbSamples: number;
  durationSec: number;
  /** Target instrument-to-rest power ratio, dB. */
  levelDb: number;
  /** The ratio measured on the written stems, dB. */
  measuredLevelDb: number;
  /** Accompaniment power relative to the backing loop, dB (null: no accompaniment). */
  accompanimentDb: number | null;
  mixPeakDb: number;
  layers: LayerRecord[];
}

export interface RealMixSummary {
  tracksDir: string;
  tracks: RealMixTrack[];
  /** Track folders of an earlier real-mixes run in the same folder that this plan no longer has (deleted). */
  removed: string[];
}

interface Sample {
  name: string;
  file: string;
  audio: AudioData;
  sha256: string;
  url: string | null;
}

const SAMPLE_EXTENSIONS = ['.flac', '.wav'];

function samplesFor(instrument: RealMixInstrument): { phrases: readonly string[]; accompaniment: readonly string[] } {
  return instrument === 'guitar' ? { phrases: GUITAR_PHRASES, accompaniment: PIANO_PHRASES } : { phrases: PIANO_PHRASES, accompaniment: GUITAR_PHRASES };
}

/** Freesound links from the package's README.md (`* \`:name\` - URL`), when it is there. */
function readmeLinks(dir: string): Map<string, string> {
  const links = new Map<string, string>();
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) return links;
  for (const m of readFileSync(readme, 'utf8').matchAll(/`:(\w+)`\s*-\s*(https?:\/\/\S+)/g)) links.set(m[1], m[2]);
  return links;
}

/**
 * Loads every sample the instrument's set needs. Missing folder or files, mixed rates, more than
 * two channels and silent samples are StemstreamErrors naming them.
 */
export async function loadRealSamples(samplesDir: string, instrument: RealMixInstrument): Promise<Map<string, Sample>> {
  const dir = resolve(samplesDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `--samples: ${dir} is not a folder (install the Debian package sonic-pi-samples, which puts them in ${DEFAULT_SAMPLES_DIR})`);
  }
  const { phrases, accompaniment } = samplesFor(instrument);
  const names = [...phrases, ...accompaniment, ...BACKING_LOOPS];
  const files = new Map<string, string>();
  const missing: string[] = [];
  for (const name of names) {
    const file = SAMPLE_EXTENSIONS.map((ext) => `${name}${ext}`).find((f) => existsSync(join(dir, f)));
    if (file) files.set(name, file);
    else missing.push(name);
  }
  if (missing.length > 0) {
    throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `--samples ${dir}: missing ${missing.join(', ')} (.flac or .wav); the ${instrument} set needs ${names.join(', ')} from the Debian package sonic-pi-samples`);
  }
  const links = readmeLinks(dir);
  const out = new Map<string, Sample>();
  let rate: { value: number; from: string } | undefined;
  for (const name of names) {
    const file = files.get(name)!;
    const path = join(dir, file);
    const audio = await readAudioFile(path);
    if (audio.channels.length < 1 || audio.channels.length > 2) throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `${path}: ${audio.channels.length} channels (mono or stereo samples only)`);
    if (!rate) rate = { value: audio.sampleRate, from: file };
    else if (audio.sampleRate !== rate.value) throw new StemstreamError('SS_ERR_BAD_DATASET', `${path}: ${audio.sampleRate} Hz but ${rate.from} is ${rate.value} Hz (no resampling: the samples must share a rate)`);
    if (power(audio.channels) === 0) throw new StemstreamError('SS_ERR_BAD_DATASET', `${path}: the sample is silent`);
    out.set(name, { name, file, audio, sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), url: links.get(name) ?? null });
  }
  return out;
}

/** Mean square over every channel and frame. */
function power(channels: Float32Array[]): number {
  let sum = 0;
  let n = 0;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) sum += ch[i] * ch[i];
    n += ch.length;
  }
  return n > 0 ? sum / n : 0;
}

function db(x: number): number {
  return 10 * Math.log10(x);
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Frame-exact placement used while rendering (seconds in the record are frames / rate). */
interface FramePlacement {
  at: number;
  from: number;
  length: number;
  /** Per-placement variation, dB (before the layer's scale). */
  varDb: number;
  pan: number | null;
  fade: number;
}

interface LayerPlan {
  stem: 'instrument' | 'rest';
  role: 'instrument' | 'backing' | 'accompaniment';
  sample: Sample;
  placements: FramePlacement[];
}

/**
 * Phrase placements from a lead-in to near the end: gaps in [minGap, maxGap] s, ±2 dB, mono
 * phrases panned; the last one cut at the track end with a 20 ms fade.
 */
function placePhrase(rng: Rng, sample: Sample, total: number, rate: number, minGap: number, maxGap: number, leadIn: number): FramePlacement[] {
  const len = sample.audio.channels[0].length;
  const out: FramePlacement[] = [];
  const tailRoom = Math.min(1, total / rate / 8);
  let pos = Math.round(rng.float(0, leadIn) * rate);
  while (out.length === 0 || pos < total - tailRoom * rate) {
    if (pos >= total) break;
    const length = Math.min(len, total - pos);
    const cut = length < len;
    out.push({ at: pos, from: 0, length, varDb: rng.float(-2, 2), pan: sample.audio.channels.length === 1 ? rng.float(-0.4, 0.4) : null, fade: cut ? Math.min(length, Math.round(0.02 * rate)) : 0 });
    pos += len + Math.round(rng.float(minGap, maxGap) * rate);
  }
  return out;
}

/** A loop tiled over the track from a random phase. */
function tileLoop(rng: Rng, sample: Sample, total: number): FramePlacement[] {
  const len = sample.audio.channels[0].length;
  const phase = Math.floor(rng.next() * len);
  const out: FramePlacement[] = [];
  let at = 0;
  let from = phase;
  while (at < total) {
    const length = Math.min(len - from, total - at);
    out.push({ at, from, length, varDb: 0, pan: null, fade: 0 });
    at += length;
    from = 0;
  }
  return out;
}

function channelGains(p: FramePlacement, gain: number): [number, number] {
  if (p.pan === null) return [gain, gain];
  const theta = ((p.pan + 1) * Math.PI) / 4;
  return [gain * Math.cos(theta), gain * Math.sin(theta)];
}

/** Adds a layer into stereo `dst` with the layer's linear `scale` on top of each placement's variation. */
function renderLayer(dst: Float32Array[], layer: LayerPlan, scale: number): void {
  const src = layer.sample.audio.channels;
  for (const p of layer.placements) {
    const gains = channelGains(p, scale * 10 ** (p.varDb / 20));
    for (let c = 0; c < 2; c++) {
      const s = src[Math.min(c, src.length - 1)];
      const d = dst[c];
      const g = gains[c];
      for (let i = 0; i < p.length; i++) {
        const fade = p.fade > 0 && i >= p.length - p.fade ? (p.length - i) / p.fade : 1;
        d[p.at + i] += g * fade * s[p.from + i];
      }
    }
  }
}

function renderLayers(layers: LayerPlan[], scales: number[], total: number): Float32Array[] {
  const out = [new Float32Array(total), new Float32Array(total)];
  layers.forEach((l, k) => renderLayer(out, l, scales[k]));
  return out;
}

function shortName(sample: string): string {
  return sample.replace(/^(guit|loop|ambi)_/, '');
}

function levelTag(levelDb: number): string {
  return levelDb === 0 ? '0db' : `${levelDb < 0 ? 'm' : 'p'}${Math.abs(levelDb)}db`;
}

export function realMixTrackName(instrument: RealMixInstrument, seed: number, index: number, phrase: string, backing: string, levelDb: number): string {
  return `real-${instrument}-s${seed}-${String(index).padStart(2, '0')}-${shortName(phrase)}-${shortName(backing)}-${levelTag(levelDb)}`;
}

interface TrackPlan {
  track: string;
  index: number;
  total: number;
  levelDb: number;
  accompanimentDb: number | null;
  instrument: LayerPlan;
  backing: LayerPlan;
  accompaniment: LayerPlan | null;
}

function planTrack(opts: Required<Pick<RealMixOptions, 'instrument' | 'seed' | 'minSeconds' | 'maxSeconds'>>, samples: Map<string, Sample>, index: number, backingOrders: string[][]): TrackPlan {
  const { phrases, accompaniment } = samplesFor(opts.instrument);
  const rng = new Rng(hashSeed(opts.seed, index, 'real-mix', opts.instrument));
  const phrase = phrases[index % phrases.length];
  const order = backingOrders[index % phrases.length];
  const backing = order[Math.floor(index / phrases.length) % order.length];
  const levelDb = REAL_MIX_LEVELS_DB[index % REAL_MIX_LEVELS_DB.length];
  const rate = samples.get(phrase)!.audio.sampleRate;
  const total = Math.round(rng.fork('length').float(opts.minSeconds, opts.maxSeconds) * rate);
  const seconds = total / rate;
  const leadIn = Math.min(1.5, seconds / 8);
  const instrumentLayer: LayerPlan = { stem: 'instrument', role: 'instrument', sample: samples.get(phrase)!, placements: placePhrase(rng.fork('instrument'), samples.get(phrase)!, total, rate, 0, 1.5, leadIn) };
  const backingLayer: LayerPlan = { stem: 'rest', role: 'backing', sample: samples.get(backing)!, placements: tileLoop(rng.fork('backing'), samples.get(backing)!, total) };
  const acc = rng.fork('accompaniment');
  // Guitar set: the piano chord in about half the tracks, −9…−3 dB under the loop. Piano set: a guitar phrase always, −4…+2 dB.
  const withAcc = opts.instrument === 'piano' || acc.chance(0.5);
  let accompanimentLayer: LayerPlan | null = null;
  let accompanimentDb: number | null = null;
  if (withAcc) {
    const name = acc.pick(accompaniment);
    accompanimentDb = opts.instrument === 'piano' ? acc.float(-4, 2) : acc.float(-9, -3);
    accompanimentLayer = { stem: 'rest', role: 'accompaniment', sample: samples.get(name)!, placements: placePhrase(acc.fork('placements'), samples.get(name)!, total, rate, 0.5, 3, seconds / 4) };
  }
  return { track: realMixTrackName(opts.instrument, opts.seed, index, phrase, backing, levelDb), index, total, levelDb, accompanimentDb, instrument: instrumentLayer, backing: backingLayer, accompaniment: accompanimentLayer };
}

/** Renders one planned track into stems plus its provenance record. */
function renderTrack(plan: TrackPlan, opts: { instrument: RealMixInstrument; seed: number }): { instrument: AudioData; rest: AudioData; record: RealMixTrack } {
  const rate = plan.instrument.sample.audio.sampleRate;
  const { total } = plan;
  // Unit renders give the powers; the scales follow from them (power is quadratic in gain).
  const pBacking = power(renderLayers([plan.backing], [1], total));
  let accScale = 0;
  if (plan.accompaniment) {
    const pAcc = power(renderLayers([plan.accompaniment], [1], total));
    accScale = Math.sqrt((pBacking * 10 ** (plan.accompanimentDb! / 10)) / pAcc);
  }
  const restLayers = plan.accompaniment ? [plan.backing, plan.accompaniment] : [plan.backing];
  const restScales = plan.accompaniment ? [1, accScale] : [1];
  const pRest = power(renderLayers(restLayers, restScales, total));
  const pInst = power(renderLayers([plan.instrument], [1], total));
  if (pInst === 0 || pRest === 0) throw new StemstreamError('SS_ERR_INTERNAL', `${plan.track}: a silent stem`);
  const instScale = Math.sqrt((pRest * 10 ** (plan.levelDb / 10)) / pInst);
  // Peak of the mix at these gains, then one factor on everything.
  const pre = renderLayers([plan.instrument, ...restLayers], [instScale, ...restScales], total);
  let peak = 0;
  for (const ch of pre) for (let i = 0; i < ch.length; i++) peak = Math.max(peak, Math.abs(ch[i]));
  const k = 10 ** (REAL_MIX_PEAK_DB / 20) / peak;
  const instrument = { sampleRate: rate, channels: renderLayers([plan.instrument], [k * instScale], total) };
  const rest = { sampleRate: rate, channels: renderLayers(restLayers, restScales.map((s) => k * s), total) };

  const record = (layer: LayerPlan, scale: number): LayerRecord => ({
    stem: layer.stem,
    role: layer.role,
    sample: layer.sample.name,
    file: layer.sample.file,
    sha256: layer.sample.sha256,
    url: layer.sample.url,
    license: REAL_MIX_LICENSE,
    placements: layer.placements.map((p) => ({
      atSec: round(p.at / rate, 6),
      sourceOffsetSec: round(p.from / rate, 6),
      lengthSec: round(p.length / rate, 6),
      gainDb: round(20 * Math.log10(scale) + p.varDb),
      pan: p.pan === null ? null : round(p.pan),
      fadeOutSec: round(p.fade / rate, 6),
    })),
  });
  const layers = [record(plan.instrument, k * instScale), record(plan.backing, k)];
  if (plan.accompaniment) layers.push(record(plan.accompaniment, k * accScale));
  return {
    instrument,
    rest,
    record: {
      track: plan.track,
      index: plan.index,
      instrument: opts.instrument,
      seed: opts.seed,
      sampleRate: rate,
      nbSamples: total,
      durationSec: round(total / rate, 6),
      levelDb: plan.levelDb,
      measuredLevelDb: round(db(power(instrument.channels) / power(rest.channels)), 3),
      accompanimentDb: plan.accompanimentDb === null ? null : round(plan.accompanimentDb, 3),
      mixPeakDb: REAL_MIX_PEAK_DB,
      layers,
    },
  };
}

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
    renameSync(tmp, path);
  } catch (e) {
    throw new StemstreamError('SS_ERR_WRITE_FAILED', `${path}: cannot write (${(e as Error).message})`, { cause: e });
  }
}

function checkOptions(o: RealMixOptions): Required<Pick<RealMixOptions, 'seed' | 'tracks' | 'minSeconds' | 'maxSeconds'>> {
  if (!(REAL_MIX_INSTRUMENTS as readonly string[]).includes(o.instrument)) throw new StemstreamError('SS_ERR_BAD_OPTION', `--instrument must be one of ${REAL_MIX_INSTRUMENTS.join(', ')} (got '${o.instrument}')`);
  const seed = o.seed ?? 1;
  const tracks = o.tracks ?? 20;
  const minSeconds = o.minSeconds ?? 12;
  const maxSeconds = o.maxSeconds ?? 20;
  if (!Number.isInteger(seed) || seed < 0) throw new StemstreamError('SS_ERR_BAD_OPTION', `--seed must be a non-negative integer (got ${seed})`);
  if (!Number.isInteger(tracks) || tracks < 1 || tracks > 999) throw new StemstreamError('SS_ERR_BAD_OPTION', `--tracks must be an integer in 1..999 (got ${tracks})`);
  if (!(minSeconds > 0) || !(maxSeconds >= minSeconds) || maxSeconds > 600) throw new StemstreamError('SS_ERR_BAD_OPTION', `track length must satisfy 0 < min ≤ max ≤ 600 s (got ${minSeconds}–${maxSeconds})`);
  return { seed, tracks, minSeconds, maxSeconds };
}

/** Builds the set (see the module doc). */
export async function buildRealMixes(opts: RealMixOptions): Promise<RealMixSummary> {
  const checked = checkOptions(opts);
  const { seed, tracks } = checked;
  const samples = await loadRealSamples(opts.samplesDir, opts.instrument);
  const { phrases } = samplesFor(opts.instrument);
  const setRng = new Rng(hashSeed(seed, 'real-mixes', opts.instrument));
  // Per phrase, its own order of the backing loops: every phrase meets different loops first.
  const backingOrders = phrases.map((p) => setRng.fork(p).shuffle(BACKING_LOOPS));
  const plans = Array.from({ length: tracks }, (_, i) => planTrack({ instrument: opts.instrument, ...checked }, samples, i, backingOrders));
  const rate = samples.get(phrases[0])!.audio.sampleRate;
  const outDir = resolve(opts.outDir);
  const tracksDir = join(outDir, tracksDirName(rate));
  mkdirSync(tracksDir, { recursive: true });
  // Tracks of an earlier real-mixes run that this plan does not have would be scored with it: remove them.
  const names = new Set(plans.map((p) => p.track));
  const removed: string[] = [];
  for (const entry of readdirSync(tracksDir).sort()) {
    const dir = join(tracksDir, entry);
    if (!names.has(entry) && statSync(dir).isDirectory() && existsSync(join(dir, 'real-mix.json'))) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(entry);
    }
  }
  const written: RealMixTrack[] = [];
  for (const plan of plans) {
    const { instrument, rest, record } = renderTrack(plan, { instrument: opts.instrument, seed });
    const dir = join(tracksDir, plan.track);
    mkdirSync(dir, { recursive: true });
    writeWavFile(join(dir, `instrument_${plan.track}.wav`), instrument, 32);
    writeWavFile(join(dir, `rest_${plan.track}.wav`), rest, 32);
    writeWavFile(join(dir, `mix_${plan.track}.wav`), addStems(instrument, rest), 32);
    writeJson(join(dir, 'real-mix.json'), { generator: 'stemstream dataset real-mixes', license: REAL_MIX_LICENSE, source: 'Debian package sonic-pi-samples: freesound.org recordings placed in the public domain (CC0 1.0)', ...record });
    written.push(record);
    opts.onTrack?.(written.length, plans.length, record);
  }
  writeJson(join(outDir, 'real-mixes.json'), {
    generator: 'stemstream dataset real-mixes',
    instrument: opts.instrument,
    seed,
    minSeconds: checked.minSeconds,
    maxSeconds: checked.maxSeconds,
    samplesDir: resolve(opts.samplesDir),
    license: REAL_MIX_LICENSE,
    levelsDb: REAL_MIX_LEVELS_DB,
    samples: [...samples.values()].map((s) => ({ sample: s.name, file: s.file, sha256: s.sha256, url: s.url, seconds: round(s.audio.channels[0].length / s.audio.sampleRate, 6), channels: s.audio.channels.length })),
    tracks: written.map((t) => ({ track: t.track, durationSec: t.durationSec, levelDb: t.levelDb, layers: t.layers.map((l) => `${l.role}:${l.sample}`) })),
  });
  return { tracksDir, tracks: written, removed };
}
