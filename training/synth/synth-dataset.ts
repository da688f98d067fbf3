/**
 * `dataset synth`: plans how many songs make the requested hours, renders them on a pool of
 * worker threads, writes `OUT/tracks_<rate>hz/<track>/{instrument_<track>.wav, rest_<track>.wav,
 * song.json}`, and skips songs already complete (song.json is written last), so runs resume.
 */
import { existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StemstreamError } from '../../engine/errors.js';
import { isCompleteFile, writeWavFile } from '../dataset/audio-io.js';
import { composeSong } from './compose.js';
import { midiSong } from './midi-import.js';
import { renderSong, songSamples, TAIL_SEC } from './render-song.js';
import { TRAIN_FAMILIES, type Family } from './presets.js';
import type { Song, Split, TargetInstrument } from './song.js';

export interface SynthOptions {
  instrument: TargetInstrument;
  split: Split;
  seed: number;
  /** Total audio to produce, hours (songs are added until the sum reaches it). */
  hours: number;
  outDir: string;
  sampleRate: number;
  /** Worker threads; 0 renders on the calling thread. */
  workers: number;
  /** Re-voice these MIDI files instead of generating songs. */
  midiFiles?: string[];
  /** Train split only: voice songs from these training families alone (default: all of them). */
  families?: Family[];
  /** Song length range in seconds (default 30–90; tests use short songs). */
  songSeconds?: [number, number];
  /** Called after each finished (or skipped) song. */
  onProgress?: (p: SynthProgress) => void;
}

export interface SynthProgress {
  done: number;
  total: number;
  skipped: number;
  track: string;
  audioSec: number;
}

export interface SynthSummary {
  tracks: string[];
  rendered: number;
  skipped: number;
  audioSec: number;
  wallSec: number;
}

/** Track name of song `index`, e.g. `synth-guitar-train-s42-000017`. */
export function trackName(instrument: TargetInstrument, split: Split, seed: number, index: number, midi = false): string {
  return `synth-${instrument}-${split}-s${seed}${midi ? '-midi' : ''}-${String(index).padStart(6, '0')}`;
}

export function tracksDir(outDir: string, sampleRate: number): string {
  return join(outDir, `tracks_${sampleRate}hz`);
}

/** The song for index `i` of a dataset (generated, or MIDI file `i mod n` re-voiced). */
export function songFor(opts: Pick<SynthOptions, 'instrument' | 'seed' | 'midiFiles' | 'songSeconds'>, index: number): Song {
  if (opts.midiFiles && opts.midiFiles.length > 0) return midiSong(opts.midiFiles[index % opts.midiFiles.length], opts.seed, index, opts.instrument);
  return composeSong({ seed: opts.seed, index, target: opts.instrument, minSec: opts.songSeconds?.[0], maxSec: opts.songSeconds?.[1] });
}

/** Song indices whose durations (plus tail) add up to at least `hours`. Cheap: no rendering. */
export function planSongs(opts: Pick<SynthOptions, 'instrument' | 'seed' | 'midiFiles' | 'songSeconds' | 'hours'>): { count: number; audioSec: number } {
  const goal = opts.hours * 3600;
  let audioSec = 0;
  let count = 0;
  while (audioSec < goal) {
    audioSec += songFor(opts, count).durationSec + TAIL_SEC;
    count++;
    if (count > 1_000_000) break;
  }
  return { count, audioSec };
}

export function isTrackComplete(dir: string, track: string): boolean {
  return isCompleteFile(join(dir, track, 'song.json')) && isCompleteFile(join(dir, track, `instrument_${track}.wav`)) && isCompleteFile(join(dir, track, `rest_${track}.wav`));
}

/** Renders and writes one song; returns its audio length in seconds. Runs in a worker or inline. */
export async function renderTrack(opts: Pick<SynthOptions, 'instrument' | 'split' | 'seed' | 'midiFiles' | 'songSeconds' | 'outDir' | 'sampleRate' | 'families'>, index: number): Promise<number> {
  const song = songFor(opts, index);
  const track = trackName(opts.instrument, opts.split, opts.seed, index, !!opts.midiFiles?.length);
  const dir = join(tracksDir(opts.outDir, opts.sampleRate), track);
  mkdirSync(dir, { recursive: true });
  const r = await renderSong(song, opts.split, opts.sampleRate, opts.families);
  writeWavFile(join(dir, `instrument_${track}.wav`), { sampleRate: opts.sampleRate, channels: r.instrument }, 32);
  writeWavFile(join(dir, `rest_${track}.wav`), { sampleRate: opts.sampleRate, channels: r.rest }, 32);
  const meta = {
    track,
    seed: song.seed,
    index: song.index,
    split: opts.split,
    instrument: song.target,
    source: song.source,
    sampleRate: opts.sampleRate,
    nbSamples: songSamples(song, opts.sampleRate),
    genre: song.genre,
    tempoBpm: song.tempoBpm,
    meter: song.meter,
    key: song.key,
    durationSec: song.durationSec,
    sections: song.sections,
    parts: song.parts.map((p, k) => ({ name: p.name, role: p.role, style: p.style, isTarget: p.isTarget, notes: p.notes.length, preset: r.plan.voices[k].preset, fx: r.plan.voices[k].fx, ...(r.plan.voices[k].articulation ? { articulation: r.plan.voices[k].articulation } : {}) })),
    room: r.plan.room,
    targetOffsetDb: r.plan.targetOffsetDb,
    mixPeak: r.plan.mixPeak,
    families: { target: [...new Set(r.plan.voices.filter((v) => v.isTarget).map((v) => v.preset.family))], rest: [...new Set(r.plan.voices.filter((v) => !v.isTarget).map((v) => v.preset.family))] },
  };
  // song.json last: its presence marks the track complete for resume.
  const tmp = join(dir, `song.json.tmp-${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(meta, null, 1)}\n`);
  renameSync(tmp, join(dir, 'song.json'));
  return songSamples(song, opts.sampleRate) / opts.sampleRate;
}

/** Starts a synth worker; under tsx (sources are .ts) the worker registers tsx itself first. */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./synth-worker.js', import.meta.url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const url = new URL('./synth-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Renders a whole dataset (see module doc). Deterministic: track N depends only on seed and N. */
export async function synthDataset(opts: SynthOptions): Promise<SynthSummary> {
  if (!(opts.hours > 0)) throw new StemstreamError('SS_ERR_BAD_OPTION', `--hours must be a positive number (got ${opts.hours})`);
  if (!Number.isInteger(opts.sampleRate) || opts.sampleRate < 8000 || opts.sampleRate > 96000) throw new StemstreamError('SS_ERR_BAD_OPTION', `--rate must be an integer between 8000 and 96000 (got ${opts.sampleRate})`);
  if (opts.families) {
    const unknown = opts.families.filter((f) => !TRAIN_FAMILIES.includes(f));
    if (opts.split !== 'train') throw new StemstreamError('SS_ERR_BAD_OPTION', '--families applies to --split train only (validation families are fixed)');
    if (opts.families.length === 0 || unknown.length > 0) throw new StemstreamError('SS_ERR_BAD_OPTION', `--families: training families are ${TRAIN_FAMILIES.join(', ')}${unknown.length ? ` (got ${unknown.join(', ')})` : ''}`);
  }
  const t0 = Date.now();
  const { count } = planSongs(opts);
  const dir = tracksDir(opts.outDir, opts.sampleRate);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StemstreamError('SS_ERR_WRITE_FAILED', `cannot create output directory ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const midi = !!opts.midiFiles?.length;
  const tracks = Array.from({ length: count }, (_, i) => trackName(opts.instrument, opts.split, opts.seed, i, midi));
  const todo = tracks.map((t, i) => ({ t, i })).filter(({ t }) => !isTrackComplete(dir, t)).map(({ i }) => i);
  const skipped = count - todo.length;
  let done = skipped;
  let audioSec = 0;
  const report = (track: string, sec: number): void => {
    done++;
    audioSec += sec;
    opts.onProgress?.({ done, total: count, skipped, track, audioSec });
  };
  if (skipped > 0) opts.onProgress?.({ done, total: count, skipped, track: '', audioSec });
  const job = { instrument: opts.instrument, split: opts.split, seed: opts.seed, midiFiles: opts.midiFiles, songSeconds: opts.songSeconds, outDir: opts.outDir, sampleRate: opts.sampleRate, families: opts.families };
  if (opts.workers <= 0) {
    for (const i of todo) report(tracks[i], await renderTrack(job, i));
  } else {
    let next = 0;
    const workers: Worker[] = [];
    // One failed track stops every worker: the error reaches the caller and the process can exit.
    const fail = (reject: (e: unknown) => void, e: unknown): void => {
      next = todo.length;
      for (const o of workers) void o.terminate();
      reject(e);
    };
    const runWorker = (): Promise<void> => new Promise((resolve, reject) => {
      const w = startWorker(job);
      workers.push(w);
      const feed = (): void => {
        if (next >= todo.length) { void w.terminate(); resolve(); return; }
        w.postMessage(todo[next++]);
      };
      w.on('message', (m: { index: number; audioSec?: number; error?: string; code?: string }) => {
        if (m.error !== undefined) { fail(reject, new StemstreamError((m.code as 'SS_ERR_INTERNAL') ?? 'SS_ERR_INTERNAL', `track ${tracks[m.index]}: ${m.error}`)); return; }
        report(tracks[m.index], m.audioSec ?? 0);
        feed();
      });
      w.on('error', (e) => fail(reject, e));
      feed();
    });
    await Promise.all(Array.from({ length: Math.min(opts.workers, Math.max(1, todo.length)) }, runWorker));
  }
  if (!existsSync(dir)) throw new StemstreamError('SS_ERR_WRITE_FAILED', `output directory ${dir} vanished`);
  return { tracks, rendered: todo.length, skipped, audioSec, wallSec: (Date.now() - t0) / 1000 };
}
