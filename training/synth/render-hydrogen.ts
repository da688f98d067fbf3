/**
 * The 'hydrogen' training family: drum parts played from the recorded (and a few synthesised) drum
 * kits of the Debian packages hydrogen-drumkits and hydrogen-data, so that drums in training rests
 * are not only the two soundfonts' kits. A separator that has heard two drum kits takes any other
 * kit's cymbals and snare for the target (what it did on the real-recording set, docs/eval/real.md).
 *
 * Each kit's `drumkit.xml` lists instruments with velocity layers; instruments are matched to the
 * General MIDI keys the drum patterns play by name (kick, snare, hat, tom, ride, crash…), with
 * fallbacks for keys a kit lacks. Per song the kit is tuned (±1.2 semitones) and panned; open
 * hats are choked by the next closed or pedal hat, as on a real hi-hat.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readAudio } from '../../engine/audio-file/index.js';
import { detectFormat } from '../../engine/audio-file/detect-format.js';
import { resample } from '../../engine/dsp/resampler.js';
import { StemstreamError } from '../../engine/errors.js';
import { hashSeed, Rng } from './prng.js';
import type { Part } from './song.js';

export const HYDROGEN_DIR = '/usr/share/hydrogen/data/drumkits';

/**
 * The kits, by folder: the program number of a 'hydrogen' preset indexes this list. Fixed here,
 * not read from the disk, so that a song plan does not depend on what is installed. Left out:
 * BJA_Pacific (AIFF samples, which the audio reader does not decode; single AIFF files in other
 * kits are skipped by `loadKit`) and circAfrique (djembes only: nothing to play the hats and
 * cymbals of a drum-kit pattern).
 */
export const HYDROGEN_KITS: readonly string[] = [
  'GMRockKit', 'TR808EmulationKit', // hydrogen-data
  'Audiophob', 'ColomboAcousticDrumkit', 'ElectricEmpireKit', 'ForzeeStereo', 'Gimme A Hand 1.0', 'HardElectro1',
  'Millo-Drums_v.1', 'Millo_MultiLayered2', 'Millo_MultiLayered3', 'The Black Pearl 1.0', 'VariBreaks',
  'rumpf_kit_z01_h2',
];

export interface KitLayer {
  file: string;
  /** Velocity range, 0–1 (Hydrogen's). */
  min: number;
  max: number;
  gain: number;
}

export interface KitInstrument {
  name: string;
  gain: number;
  /** −1 (left) … 1 (right). */
  pan: number;
  layers: KitLayer[];
}

export interface DrumKit {
  name: string;
  dir: string;
  /** GM drum key → the instruments that may play it (after fallbacks). */
  keys: Map<number, KitInstrument[]>;
}

const KICK = 36, STICK = 37, SNARE = 38, CLAP = 39, CLOSED = 42, PEDAL = 44, OPEN = 46, CRASH = 49, RIDE = 51;
/** GM toms, low to high. */
const TOMS = [41, 43, 45, 47, 48, 50] as const;
/** Pseudo-keys for hand percussion, used only as fallbacks. */
const SHAKER = 1000, BELL = 1001;

/** Where a key a kit lacks borrows its sound from, in order. */
const FALLBACKS: Record<number, number[]> = {
  [KICK]: [41, 43],
  [STICK]: [SNARE, CLAP, BELL],
  [SNARE]: [CLAP, STICK],
  [CLOSED]: [PEDAL, SHAKER, OPEN, RIDE],
  [PEDAL]: [CLOSED, SHAKER, OPEN],
  [OPEN]: [CLOSED, SHAKER, PEDAL],
  [RIDE]: [BELL, CLOSED, CRASH],
  [CRASH]: [RIDE, OPEN, BELL],
};

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

function tag(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(block);
  return m ? decodeEntities(m[1]) : undefined;
}

function num(block: string, name: string, fallback: number): number {
  const v = Number(tag(block, name));
  return Number.isFinite(v) ? v : fallback;
}

/** Parses the instruments of a `drumkit.xml` (both the layered format and the old one-file one). */
export function parseDrumkitXml(xml: string): KitInstrument[] {
  const out: KitInstrument[] = [];
  for (const [, block] of xml.matchAll(/<instrument>([\s\S]*?)<\/instrument>/g)) {
    const layerBlocks = [...block.matchAll(/<layer>([\s\S]*?)<\/layer>/g)].map((m) => m[1]);
    const own = block.replace(/<instrumentComponent>[\s\S]*?<\/instrumentComponent>/g, '').replace(/<layer>[\s\S]*?<\/layer>/g, '');
    const layers: KitLayer[] = layerBlocks
      .map((b) => ({ file: tag(b, 'filename') ?? '', min: num(b, 'min', 0), max: num(b, 'max', 1), gain: num(b, 'gain', 1) }))
      .filter((l) => l.file !== '');
    const single = tag(own, 'filename');
    if (layers.length === 0 && single) layers.push({ file: single, min: 0, max: 1, gain: 1 });
    if (layers.length === 0 || tag(own, 'isMuted') === 'true') continue;
    const panL = num(own, 'pan_L', NaN), panR = num(own, 'pan_R', NaN);
    const pan = Number.isFinite(panL) && Number.isFinite(panR) ? panR - panL : num(own, 'pan', 0);
    out.push({ name: tag(own, 'name') ?? '', gain: num(own, 'volume', 1) * num(own, 'gain', 1), pan: Math.max(-1, Math.min(1, pan)), layers });
  }
  return out;
}

/** The GM key (or pseudo-key) an instrument name plays, `'tom'`, or null for sounds the patterns never ask for. */
export function classifyDrum(name: string): number | 'tom' | null {
  const n = name.toLowerCase();
  if (/roll|\bfx\b|zap|swish|reverse|sample:|^\s*$|^\d+$/.test(n)) return null;
  if (/hat|\bhh\b|hihat|hi-hat/.test(n)) {
    if (/pedal|\bpd\b|foot/.test(n)) return PEDAL;
    if (/open|\bop\b|semi|\bohh\b/.test(n)) return OPEN;
    return CLOSED;
  }
  if (/kick|bass ?drum|\bbd\b|cajon thump|djembe\d? bass/.test(n)) return KICK;
  if (/side ?stick|\bstick\b|rim ?click/.test(n)) return STICK;
  if (/snare|\bsd\b|cajon slap|djembe\d? slap/.test(n)) return SNARE;
  if (/clap|snap/.test(n)) return CLAP;
  if (/ride/.test(n)) return RIDE;
  if (/crash|splash|china|cymbal/.test(n)) return CRASH;
  if (/\btom|bongo|conga|djembe\d? tone|tabla/.test(n)) return 'tom';
  if (/shaker|maraca|tambourine|cabasa/.test(n)) return SHAKER;
  if (/cowbell|clave|woodblock|agogo|glass|bell/.test(n)) return BELL;
  return null;
}

/** Low-to-high order of a tom by its name (floor < low < mid < high), 1.5 when it says nothing. */
function tomHeight(name: string): number {
  const n = name.toLowerCase();
  if (/floor/.test(n)) return 0;
  if (/low|\blo\b|bass/.test(n)) return 1;
  if (/mid/.test(n)) return 2;
  if (/high|\bhi\b/.test(n)) return 3;
  return 1.5;
}

/** Maps a kit's instruments onto the GM keys, toms spread low to high, fallbacks filled in. */
export function mapKit(instruments: readonly KitInstrument[]): Map<number, KitInstrument[]> {
  const keys = new Map<number, KitInstrument[]>();
  const toms: KitInstrument[] = [];
  for (const inst of instruments) {
    const k = classifyDrum(inst.name);
    if (k === null) continue;
    if (k === 'tom') { toms.push(inst); continue; }
    keys.set(k, [...(keys.get(k) ?? []), inst]);
  }
  // Stable sort: toms whose names say nothing keep the kit's order.
  toms.sort((a, b) => tomHeight(a.name) - tomHeight(b.name));
  TOMS.forEach((key, i) => {
    if (toms.length > 0) keys.set(key, [toms[Math.min(toms.length - 1, Math.floor((i * toms.length) / TOMS.length))]]);
  });
  for (const [key, chain] of Object.entries(FALLBACKS)) {
    const k = Number(key);
    if (keys.has(k)) continue;
    const from = chain.find((c) => keys.has(c));
    if (from !== undefined) keys.set(k, keys.get(from)!);
  }
  for (const key of TOMS) if (!keys.has(key)) { const s = keys.get(SNARE) ?? keys.get(KICK); if (s) keys.set(key, s); }
  return keys;
}

/** True when the audio reader can decode the file (some kits hold AIFF files named .wav). */
function decodable(path: string): boolean {
  if (!existsSync(path)) return false;
  const head = new Uint8Array(4096);
  const fd = openSync(path, 'r');
  try {
    return detectFormat(head.subarray(0, readSync(fd, head, 0, head.length, 0))).format !== null;
  } finally {
    closeSync(fd);
  }
}

const kitCache = new Map<string, DrumKit>();

/** Loads and maps kit `index` of HYDROGEN_KITS; a clear error when the package is missing. */
export function loadKit(index: number): DrumKit {
  const name = HYDROGEN_KITS[index];
  if (name === undefined) throw new StemstreamError('SS_ERR_INTERNAL', `no hydrogen kit ${index}`);
  const cached = kitCache.get(name);
  if (cached) return cached;
  const dir = join(HYDROGEN_DIR, name);
  const xmlPath = join(dir, 'drumkit.xml');
  if (!existsSync(xmlPath)) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `the hydrogen drum family needs ${xmlPath} (apt-get install hydrogen-data hydrogen-drumkits)`);
  }
  const instruments = parseDrumkitXml(readFileSync(xmlPath, 'utf8'))
    .map((inst) => ({ ...inst, layers: inst.layers.filter((l) => decodable(join(dir, l.file))) }))
    .filter((inst) => inst.layers.length > 0);
  const keys = mapKit(instruments);
  for (const k of [KICK, SNARE, CLOSED]) {
    if (!keys.has(k)) throw new StemstreamError('SS_ERR_INTERNAL', `hydrogen kit ${name} has no sound for GM key ${k}`);
  }
  const kit: DrumKit = { name, dir, keys };
  kitCache.set(name, kit);
  return kit;
}

/** True when every catalogued kit is installed. */
export function hydrogenAvailable(): boolean {
  return HYDROGEN_KITS.every((k) => existsSync(join(HYDROGEN_DIR, k, 'drumkit.xml')));
}

/** The layer for a velocity 0–1 (random among overlapping layers, nearest when none covers it). */
function pickLayer(inst: KitInstrument, v: number, rng: Rng): KitLayer {
  const hits = inst.layers.filter((l) => v >= l.min && v <= l.max);
  if (hits.length > 0) return rng.pick(hits);
  let best = inst.layers[0];
  for (const l of inst.layers) if (Math.abs((l.min + l.max) / 2 - v) < Math.abs((best.min + best.max) / 2 - v)) best = l;
  return best;
}

const decoded = new Map<string, { sampleRate: number; channels: Float32Array[] }>();

async function sampleAt(path: string, sampleRate: number, tuning: number, cache: Map<string, Float32Array[]>): Promise<Float32Array[]> {
  const hit = cache.get(path);
  if (hit) return hit;
  let src = decoded.get(path);
  if (!src) {
    const a = await readAudio(path);
    src = { sampleRate: a.sampleRate, channels: a.channels.slice(0, 2) };
    decoded.set(path, src);
  }
  // Reading the sample as if it were recorded at a slightly different rate retunes it.
  const out = await resample(src.channels, Math.round(src.sampleRate * tuning), sampleRate);
  cache.set(path, out);
  return out;
}

/** Dry stereo stem `[left, right]` (`nbSamples` long) of drum `part` on hydrogen kit `program`. */
export async function renderHydrogen(part: Part, program: number, sampleRate: number, nbSamples: number, seed: number): Promise<Float32Array[]> {
  const kit = loadKit(program);
  const rng = new Rng(hashSeed('hydrogen', seed, part.name));
  const tuning = Math.pow(2, rng.float(-0.1, 0.1));
  const spread = rng.float(0.3, 1);
  const cache = new Map<string, Float32Array[]>();
  const out = [new Float32Array(nbSamples), new Float32Array(nbSamples)];
  const notes = part.notes.slice().sort((a, b) => a.time - b.time);
  const hatCuts = notes.filter((n) => n.pitch === CLOSED || n.pitch === PEDAL).map((n) => Math.round(n.time * sampleRate));
  const fade = Math.round(0.008 * sampleRate);
  for (const note of notes) {
    const insts = kit.keys.get(note.pitch);
    if (!insts) continue;
    const start = Math.round(note.time * sampleRate);
    if (start >= nbSamples) continue;
    // Each hit draws from its own stream, so a note sounds the same whatever else the part plays.
    const hit = new Rng(hashSeed('hydrogen-hit', seed, part.name, note.pitch, Math.round(note.time * 1e4)));
    const inst = insts.length === 1 ? insts[0] : hit.pick(insts);
    const v = note.velocity / 127;
    const layer = pickLayer(inst, v, hit);
    const sample = await sampleAt(join(kit.dir, layer.file), sampleRate, tuning, cache);
    let len = Math.min(sample[0].length, nbSamples - start);
    // An open hat rings until the next closed or pedal hat closes it.
    let cutFrom = len;
    if (note.pitch === OPEN) {
      const next = hatCuts.find((t) => t > start);
      if (next !== undefined && next - start < len) { cutFrom = next - start; len = Math.min(len, cutFrom + fade); }
    }
    const pan = Math.max(-1, Math.min(1, inst.pan * spread + new Rng(hashSeed('hydrogen-pan', seed, part.name, inst.name)).float(-0.2, 0.2)));
    const theta = ((pan + 1) * Math.PI) / 4;
    const amp = v * inst.gain * layer.gain * hit.float(0.9, 1.1);
    const gains = [Math.cos(theta) * amp * Math.SQRT2, Math.sin(theta) * amp * Math.SQRT2];
    for (let c = 0; c < 2; c++) {
      const src = sample[Math.min(c, sample.length - 1)];
      const dst = out[c];
      const g = gains[c];
      for (let i = 0; i < len; i++) {
        const env = i < cutFrom ? 1 : 1 - (i - cutFrom) / fade;
        dst[start + i] += src[i] * g * env;
      }
    }
  }
  return out;
}
