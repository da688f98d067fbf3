/**
 * Silence detection and adjustment (the thesis's tool, its bug fixed): the instrument stem is cut
 * in windows (1 s); a window is silent when its RMS is below the threshold (−50 dBFS). With the
 * track's *audible* ratio r: r ≥ `cutoffRatio` → kept as is; r < `minimumRatio` → dropped (too
 * little instrument to be worth cutting into); otherwise silent windows are removed — leading
 * first, then trailing, then the longest middle runs — until r reaches `targetRatio`. Both stems
 * get identical cuts. (The original compared the *silence* ratio with these audible thresholds.)
 */
import { rmSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';
import { readAudioFile, writeWavFile, type AudioData } from './audio-io.js';
import { checkStems } from './stem-sum.js';
import { listTracks, trackPaths } from './track-layout.js';

export interface SilenceOptions {
  thresholdDb: number;
  windowSec: number;
  cutoffRatio: number;
  targetRatio: number;
  minimumRatio: number;
}

/** The thesis's settings: −50 dBFS, 1 s windows, cutoff 70 %, target 70 %, minimum 50 %. */
export const DEFAULT_SILENCE_OPTIONS: SilenceOptions = { thresholdDb: -50, windowSec: 1, cutoffRatio: 0.7, targetRatio: 0.7, minimumRatio: 0.5 };

export function validateSilenceOptions(o: SilenceOptions): void {
  for (const k of ['cutoffRatio', 'targetRatio', 'minimumRatio'] as const) {
    if (!(o[k] >= 0 && o[k] <= 1)) throw new StemstreamError('SS_ERR_BAD_OPTION', `${k} must be between 0 and 1 (got ${o[k]})`);
  }
  if (!(o.windowSec > 0)) throw new StemstreamError('SS_ERR_BAD_OPTION', `windowSec must be positive (got ${o.windowSec})`);
  if (o.minimumRatio > o.targetRatio) throw new StemstreamError('SS_ERR_BAD_OPTION', `minimum ratio ${o.minimumRatio} is above the target ratio ${o.targetRatio}`);
}

/** Per-window silence flags of planar audio: `true` = silent. The last window may be shorter. */
export function silentWindows(audio: AudioData, opts: Pick<SilenceOptions, 'thresholdDb' | 'windowSec'>): boolean[] {
  const n = audio.channels[0]?.length ?? 0;
  const w = Math.max(1, Math.round(opts.windowSec * audio.sampleRate));
  const thr = Math.pow(10, opts.thresholdDb / 20);
  const thrPower = thr * thr;
  const out: boolean[] = [];
  for (let start = 0; start < n; start += w) {
    const end = Math.min(n, start + w);
    let sum = 0;
    for (const ch of audio.channels) for (let i = start; i < end; i++) sum += ch[i] * ch[i];
    out.push(sum / ((end - start) * audio.channels.length) < thrPower);
  }
  return out;
}

export function audibleRatio(silent: readonly boolean[]): number {
  if (silent.length === 0) return 0;
  return silent.filter((s) => !s).length / silent.length;
}

/** Runs of silent windows as [start, length] in window units. */
export function silentRuns(silent: readonly boolean[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < silent.length; ) {
    if (!silent[i]) { i++; continue; }
    let j = i;
    while (j < silent.length && silent[j]) j++;
    runs.push([i, j - i]);
    i = j;
  }
  return runs;
}

export interface SilencePlan {
  action: 'kept' | 'cut' | 'dropped';
  /** Window indices to remove, ascending. */
  cutWindows: number[];
  before: { windows: number; audibleRatio: number };
  after: { windows: number; audibleRatio: number };
}

/** Decides the cuts for one track from its window flags (pure: see module doc for the rule). */
export function planSilenceCuts(silent: readonly boolean[], opts: SilenceOptions): SilencePlan {
  validateSilenceOptions(opts);
  const total = silent.length;
  const audible = silent.filter((s) => !s).length;
  const before = { windows: total, audibleRatio: audibleRatio(silent) };
  if (before.audibleRatio >= opts.cutoffRatio) return { action: 'kept', cutWindows: [], before, after: before };
  if (before.audibleRatio < opts.minimumRatio || audible === 0) return { action: 'dropped', cutWindows: [], before, after: before };
  const cut = new Set<number>();
  const reached = (): boolean => audible / (total - cut.size) >= opts.targetRatio;
  const runs = silentRuns(silent);
  const leading = runs.find(([s]) => s === 0);
  const trailing = runs.find(([s, l]) => s + l === total && s !== 0);
  const middle = runs.filter((r) => r !== leading && r !== trailing).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  // Leading silences go from the start inwards, trailing from the end inwards.
  const order: number[] = [];
  if (leading) for (let i = 0; i < leading[1]; i++) order.push(i);
  if (trailing) for (let i = total - 1; i >= trailing[0]; i--) order.push(i);
  for (const [s, l] of middle) for (let i = s; i < s + l; i++) order.push(i);
  for (const w of order) {
    if (reached()) break;
    cut.add(w);
  }
  const remaining = total - cut.size;
  const after = { windows: remaining, audibleRatio: remaining > 0 ? audible / remaining : 0 };
  const action = after.audibleRatio < opts.minimumRatio ? 'dropped' : cut.size > 0 ? 'cut' : 'kept';
  return { action, cutWindows: [...cut].sort((a, b) => a - b), before, after };
}

/** Removes the windows `cutWindows` (window length `windowSamples`) from planar audio. */
export function applyCuts(audio: AudioData, cutWindows: readonly number[], windowSamples: number): AudioData {
  const n = audio.channels[0]?.length ?? 0;
  const cut = new Set(cutWindows);
  const keep: [number, number][] = [];
  for (let w = 0, start = 0; start < n; w++, start += windowSamples) {
    if (cut.has(w)) continue;
    const end = Math.min(n, start + windowSamples);
    const last = keep[keep.length - 1];
    if (last && last[1] === start) last[1] = end;
    else keep.push([start, end]);
  }
  const length = keep.reduce((a, [s, e]) => a + e - s, 0);
  const channels = audio.channels.map((ch) => {
    const out = new Float32Array(length);
    let o = 0;
    for (const [s, e] of keep) { out.set(ch.subarray(s, e), o); o += e - s; }
    return out;
  });
  return { sampleRate: audio.sampleRate, channels };
}

export interface TrackSilenceResult extends SilencePlan {
  track: string;
}

/**
 * Adjusts every track of a tracks directory. In place by default (dropped tracks are removed);
 * with `outDir`, adjusted tracks are written there and the source is untouched.
 */
export async function adjustSilenceTree(tracksDir: string, opts: SilenceOptions, io: { outDir?: string; dryRun?: boolean } = {}): Promise<TrackSilenceResult[]> {
  validateSilenceOptions(opts);
  const results: TrackSilenceResult[] = [];
  for (const t of listTracks(tracksDir)) {
    const inst = await readAudioFile(t.instrument);
    const rest = await readAudioFile(t.rest);
    checkStems([{ path: t.instrument, audio: inst }, { path: t.rest, audio: rest }]);
    const plan = planSilenceCuts(silentWindows(inst, opts), opts);
    results.push({ track: t.track, ...plan });
    if (io.dryRun) continue;
    const dest = io.outDir ? trackPaths(join(io.outDir, t.track)) : t;
    if (plan.action === 'dropped') {
      if (!io.outDir) rmSync(t.dir, { recursive: true, force: true });
      continue;
    }
    if (plan.action === 'kept' && !io.outDir) continue;
    if (!existsSync(dest.dir)) mkdirSync(dest.dir, { recursive: true });
    const w = Math.max(1, Math.round(opts.windowSec * inst.sampleRate));
    writeWavFile(dest.instrument, applyCuts(inst, plan.cutWindows, w), 32);
    writeWavFile(dest.rest, applyCuts(rest, plan.cutWindows, w), 32);
  }
  return results;
}
