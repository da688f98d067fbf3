/**
 * Paired comparison of two eval reports on the same tracks: per-track differences (run − base),
 * their median, a bootstrap 95 % interval of that median, and wins/losses.
 *
 * Medians of 30 tracks whose SDRs spread over 20 dB move by ±0.5 dB between neighbouring
 * checkpoints, so "0.52 against 0.45 dB" decides nothing. The per-track difference removes what
 * the tracks have in common (how hard each song is), and the interval says whether a change is
 * larger than the noise. Pure functions, no I/O.
 */
import { basename } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';
import { Rng } from '../synth/prng.js';
import { formatDb, METRICS, nanMedian, reviveMetric, summarise, type EvalReport, type StemMetrics, type TrackResult } from './report.js';

export interface PairedStat {
  /** Tracks where both reports have a finite value. */
  n: number;
  /** Median over tracks of (run − base), dB. */
  medianDelta: number;
  /** 2.5 % and 97.5 % percentiles of the bootstrapped median, dB. */
  ci95: [number, number];
  wins: number;
  losses: number;
}

export type StemComparison = Record<keyof StemMetrics, PairedStat>;

export interface Comparison {
  base: string | null;
  run: string | null;
  dataset: string;
  tracks: number;
  instrument: StemComparison;
  rest: StemComparison;
}

/** Protocol keys that must agree for a per-track difference to mean anything. */
const MUST_MATCH = ['sampleRate', 'computePermutation', 'maxSeconds', 'references'] as const;

/** An eval report read back from its JSON (metrics: null → NaN, "±Infinity" → ±Infinity). */
export function parseReport(text: string, source = 'report'): EvalReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text, reviveMetric);
  } catch (e) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `${source} is not JSON: ${(e as Error).message}`);
  }
  const r = raw as Partial<EvalReport>;
  if (r?.schema !== 'stemstream-eval/1' || !Array.isArray(r.tracks) || typeof r.protocol !== 'object') {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `${source} is not a stemstream eval report (schema stemstream-eval/1)`);
  }
  for (const t of r.tracks) {
    if (typeof t?.name !== 'string' || typeof t.model?.instrument?.sdr !== 'number' || typeof t.model?.rest?.sdr !== 'number') {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `${source}: a track entry lacks its name or model metrics`);
    }
  }
  return r as EvalReport;
}

function pairedStat(deltas: number[], rng: Rng, resamples: number): PairedStat {
  const d = deltas.filter(Number.isFinite);
  if (d.length === 0) return { n: 0, medianDelta: NaN, ci95: [NaN, NaN], wins: 0, losses: 0 };
  const medians = new Float64Array(resamples);
  const draw = new Array<number>(d.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < d.length; i++) draw[i] = d[Math.floor(rng.next() * d.length)];
    medians[b] = nanMedian(draw);
  }
  medians.sort();
  const at = (q: number): number => medians[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { n: d.length, medianDelta: nanMedian(d), ci95: [at(0.025), at(0.975)], wins: d.filter((x) => x > 0).length, losses: d.filter((x) => x < 0).length };
}

/** The tracks both reports scored, as (base, run) pairs; throws when the comparison would mean nothing. */
function pairTracks(base: EvalReport, run: EvalReport): (readonly [EvalReport['tracks'][number], EvalReport['tracks'][number]])[] {
  for (const key of MUST_MATCH) {
    // Object.is: a NaN protocol value (no --max-seconds) equals itself.
    if (!Object.is(base.protocol[key], run.protocol[key])) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `the reports differ in protocol.${key} (${String(base.protocol[key])} vs ${String(run.protocol[key])}): per-track differences would mean nothing`);
    }
  }
  if (basename(base.dataset) !== basename(run.dataset)) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `the reports are on different datasets (${base.dataset} vs ${run.dataset})`);
  }
  const byName = new Map(run.tracks.map((t) => [t.name, t]));
  const pairs = base.tracks.flatMap((b) => {
    const r = byName.get(b.name);
    return r ? [[b, r] as const] : [];
  });
  if (pairs.length === 0) throw new StemstreamError('SS_ERR_BAD_OPTION', 'the reports share no track');
  return pairs;
}

/**
 * The per-track mean of replicate reports: runs of one recipe that differ only in their seed,
 * scored on the same tracks with the same protocol. Two runs of one recipe differ by up to 10 dB
 * on a single real track (training/README.md, session 14), so a claim about a recipe compares
 * the mean of its replicates, not one run. Keeps the tracks every replicate scored.
 */
export function meanReport(reports: readonly EvalReport[]): EvalReport {
  if (reports.length === 0) throw new StemstreamError('SS_ERR_BAD_OPTION', 'no report to average');
  if (reports.length === 1) return reports[0];
  const [first, ...others] = reports;
  const byName = others.map((r) => new Map(pairTracks(first, r).map(([a, b]) => [a.name, b] as const)));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stem = (ts: TrackResult[], s: 'instrument' | 'rest'): StemMetrics => {
    const out = {} as StemMetrics;
    for (const m of METRICS) out[m] = mean(ts.map((t) => t.model[s][m]));
    return out;
  };
  const tracks = first.tracks.flatMap((t): TrackResult[] => {
    const all = [t, ...byName.map((m) => m.get(t.name))];
    if (all.some((x) => x === undefined)) return [];
    const ts = all as TrackResult[];
    return [{ ...t, separateSeconds: mean(ts.map((x) => x.separateSeconds)), model: { instrument: stem(ts, 'instrument'), rest: stem(ts, 'rest'), perm: t.model.perm }, warnings: [...new Set(ts.flatMap((x) => x.warnings))] }];
  });
  if (tracks.length === 0) throw new StemstreamError('SS_ERR_BAD_OPTION', 'the replicate reports share no track');
  return { ...first, model: `mean(${reports.map((r) => r.model ?? '?').join(', ')})`, tracks, median: summarise(tracks) };
}

/**
 * Compares `run` against `base` track by track (matched by name). Throws when the reports were
 * made with different protocols or different datasets, or share no track.
 */
export function compareReports(base: EvalReport, run: EvalReport, opts: { resamples?: number; seed?: number } = {}): Comparison {
  const pairs = pairTracks(base, run);
  const resamples = opts.resamples ?? 2000;
  const rng = new Rng(opts.seed ?? 1);
  const stem = (s: 'instrument' | 'rest'): StemComparison => {
    const out = {} as StemComparison;
    for (const m of METRICS) out[m] = pairedStat(pairs.map(([b, r]) => r.model[s][m] - b.model[s][m]), rng, resamples);
    return out;
  };
  return { base: base.model, run: run.model, dataset: base.dataset, tracks: pairs.length, instrument: stem('instrument'), rest: stem('rest') };
}

/**
 * One number for "better separation" on a track: the mean of its instrument and rest SDR changes,
 * run − base. A mask that passes more of the mix gains on one stem what it loses on the other, so
 * neither stem alone can judge a change of mask scale; their mean can.
 */
export function compareBothStems(base: EvalReport, run: EvalReport, opts: { resamples?: number; seed?: number } = {}): PairedStat {
  const pairs = pairTracks(base, run);
  const deltas = pairs.map(([b, r]) => (r.model.instrument.sdr - b.model.instrument.sdr + r.model.rest.sdr - b.model.rest.sdr) / 2);
  return pairedStat(deltas, new Rng(opts.seed ?? 1), opts.resamples ?? 2000);
}

function signed(v: number): string {
  return Number.isFinite(v) && v > 0 ? `+${formatDb(v)}` : formatDb(v);
}

/** One markdown row per stem and metric: Δ median [95 % interval], wins/losses. */
export function comparisonMarkdown(c: Comparison, label = c.run ?? 'run'): string {
  const lines = [
    `| ${label} vs ${c.base ?? 'base'} (${c.tracks} tracks) | Δ median, dB | 95 % interval | better / worse |`,
    '| --- | ---: | ---: | ---: |',
  ];
  for (const s of ['instrument', 'rest'] as const) {
    for (const m of ['sdr', 'sir', 'sar'] as const) {
      const p = c[s][m];
      lines.push(`| ${s} ${m.toUpperCase()} | ${signed(p.medianDelta)} | ${signed(p.ci95[0])} … ${signed(p.ci95[1])} | ${p.wins} / ${p.losses} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
