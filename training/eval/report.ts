/**
 * The eval report: its shape (JSON schema `stemstream-eval/1`), medians, and the two renderings
 * (JSON file, markdown tables). Pure functions, no I/O.
 */

/** Metrics of one estimated stem, dB. NaN = undefined (silent reference); ±Infinity possible. */
export interface StemMetrics {
  sdr: number;
  sir: number;
  sar: number;
  siSdr: number;
  plainSdr: number;
}

export interface SystemMetrics {
  instrument: StemMetrics;
  rest: StemMetrics;
  /** bss_eval pairing: perm[j] = estimate matched to reference j (0 = instrument, 1 = rest). */
  perm: number[];
}

export interface TrackResult {
  name: string;
  /** Evaluated duration, seconds. */
  seconds: number;
  /** Rate of the dataset files, Hz (evaluation always runs at 22050 Hz). */
  sourceSampleRate: number;
  /** Wall time of the separator call, seconds. */
  separateSeconds: number;
  model: SystemMetrics;
  /** Oracle-mask upper bound; null when disabled. */
  oracle: SystemMetrics | null;
  warnings: string[];
}

export interface StemPairMedians {
  instrument: StemMetrics;
  rest: StemMetrics;
}

export interface EvalMedians {
  model: StemPairMedians;
  oracle: StemPairMedians | null;
  tracks: number;
}

export interface EvalReport {
  schema: 'stemstream-eval/1';
  createdAt: string;
  model: string | null;
  dataset: string;
  /** Free-form description of every protocol choice (see evaluate.ts). */
  protocol: Record<string, string | number | boolean | null>;
  tracks: TrackResult[];
  median: EvalMedians;
}

/** Every per-stem metric, in report order. */
export const METRICS: readonly (keyof StemMetrics)[] = ['sdr', 'sir', 'sar', 'siSdr', 'plainSdr'];
const METRIC_LABELS: Record<keyof StemMetrics, string> = {
  sdr: 'SDR',
  sir: 'SIR',
  sar: 'SAR',
  siSdr: 'SI-SDR',
  plainSdr: 'nSDR',
};

/** Median of the non-NaN values (±Infinity kept and ordered); NaN when none are left. */
export function nanMedian(values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  if (v.length % 2 === 1) return v[mid];
  const lo = v[mid - 1];
  const hi = v[mid];
  // Avoid Inf − Inf = NaN when both middle values are the same infinity.
  return lo === hi ? lo : (lo + hi) / 2;
}

function medianStem(stems: StemMetrics[]): StemMetrics {
  const out = {} as StemMetrics;
  for (const m of METRICS) out[m] = nanMedian(stems.map((s) => s[m]));
  return out;
}

/** Per-metric medians over tracks (thesis: median SDR/SIR/SAR over validation tracks). */
export function summarise(tracks: readonly TrackResult[]): EvalMedians {
  const oracles = tracks.map((t) => t.oracle).filter((o): o is SystemMetrics => o !== null);
  return {
    model: {
      instrument: medianStem(tracks.map((t) => t.model.instrument)),
      rest: medianStem(tracks.map((t) => t.model.rest)),
    },
    oracle:
      oracles.length === 0
        ? null
        : { instrument: medianStem(oracles.map((o) => o.instrument)), rest: medianStem(oracles.map((o) => o.rest)) },
    tracks: tracks.length,
  };
}

/**
 * `JSON.stringify` replacer for numbers JSON cannot hold: NaN becomes null, ±Infinity the strings
 * "Infinity" / "-Infinity". {@link reviveMetric} reads an eval report's metrics back.
 */
export function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return null;
  return value > 0 ? 'Infinity' : '-Infinity';
}

const METRIC_KEYS: ReadonlySet<string> = new Set(METRICS);

/**
 * `JSON.parse` reviver undoing {@link jsonNumbers} on metric values (`sdr`, `sir`, …) only, so
 * that an absent oracle or model name stays null.
 */
export function reviveMetric(key: string, value: unknown): unknown {
  if (!METRIC_KEYS.has(key)) return value;
  if (value === null) return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
}

/** The report as JSON text (NaN and ±Infinity as {@link jsonNumbers} writes them). */
export function toJson(report: EvalReport): string {
  return `${JSON.stringify(report, jsonNumbers, 2)}\n`;
}

/** dB with two decimals; ±∞ and – (NaN) spelled out. */
export function formatDb(v: number): string {
  if (Number.isNaN(v)) return '–';
  if (v === Infinity) return '+∞';
  if (v === -Infinity) return '−∞';
  return v.toFixed(2);
}

/**
 * The oracle's short name in tables and logs: 'PSM' for the phase-sensitive bound, else 'IRM'
 * (reports written before protocol.oracleMask existed used the IRM).
 */
export function oracleLabel(report: Pick<EvalReport, 'protocol'>): 'IRM' | 'PSM' {
  return report.protocol.oracleMask === 'psm' ? 'PSM' : 'IRM';
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function stemTable(report: EvalReport, stem: 'instrument' | 'rest'): string[] {
  const withOracle = report.median.oracle !== null;
  const header = ['Track', ...METRICS.map((m) => METRIC_LABELS[m])];
  const label = oracleLabel(report);
  if (withOracle) header.push(...METRICS.map((m) => `${label} ${METRIC_LABELS[m]}`));
  const row = (name: string, model: StemMetrics, oracle: StemMetrics | null | undefined): string => {
    const cells = [name, ...METRICS.map((m) => formatDb(model[m]))];
    if (withOracle) cells.push(...METRICS.map((m) => (oracle ? formatDb(oracle[m]) : '–')));
    return `| ${cells.join(' | ')} |`;
  };
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const t of report.tracks) lines.push(row(escapeCell(t.name), t.model[stem], t.oracle?.[stem]));
  lines.push(row(`**median (${report.median.tracks})**`, report.median.model[stem], report.median.oracle?.[stem]));
  return lines;
}

/**
 * Markdown: a heading with model, dataset and protocol, then one table per stem (instrument,
 * rest): one row per track plus a median row; model metrics, then the oracle (IRM or PSM) bound.
 */
export function toMarkdown(report: EvalReport): string {
  const seconds = report.protocol.maxSeconds;
  const lines: string[] = [
    `# stemstream eval: ${report.model === null ? 'separator' : `model \`${report.model}\``}`,
    '',
    `Dataset \`${report.dataset}\`, ${report.median.tracks} track(s)${typeof seconds === 'number' ? `, first ${seconds} s of each` : ''}. ` +
      'All values in dB; SDR/SIR/SAR = BSS-eval v3 (mir_eval `bss_eval_sources`), SI-SDR = scale-invariant SDR, ' +
      `nSDR = MDX "new SDR" (no projection), ${oracleLabel(report)} = oracle mask ${report.protocol.oracleMask === 'psm' ? 'clip(Re(S_inst·conj(S_mix))/|S_mix|², 0, 1)' : 'clip(|S_inst|/|S_mix|, 0, 1)'} on the mix STFT.`,
    `Protocol: mono at ${report.protocol.sampleRate} Hz, references = ${report.protocol.references}, permutation search ${report.protocol.computePermutation ? 'on' : 'off'}${report.protocol.separator ? `; separator ${report.protocol.separator}` : ''}.`,
    '',
    '## Instrument',
    '',
    ...stemTable(report, 'instrument'),
    '',
    '## Rest',
    '',
    ...stemTable(report, 'rest'),
  ];
  const warned = report.tracks.filter((t) => t.warnings.length > 0);
  if (warned.length > 0) {
    lines.push('', '## Warnings', '');
    for (const t of warned) for (const w of t.warnings) lines.push(`- ${escapeCell(t.name)}: ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The medians as a flat record for `model.json`'s `metrics.<set>` (keys as `stemstream models` prints them).
 */
export function manifestMetrics(report: EvalReport): Record<string, number | string | null> {
  const m = report.median;
  const num = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
  return {
    sdr_instrument_median: num(m.model.instrument.sdr),
    sir_instrument_median: num(m.model.instrument.sir),
    sar_instrument_median: num(m.model.instrument.sar),
    si_sdr_instrument_median: num(m.model.instrument.siSdr),
    sdr_rest_median: num(m.model.rest.sdr),
    // Keyed by the oracle's kind, so a PSM bound never passes for the IRM one.
    [`${oracleLabel(report).toLowerCase()}_sdr_instrument_median`]: m.oracle ? num(m.oracle.instrument.sdr) : null,
    [`${oracleLabel(report).toLowerCase()}_sdr_rest_median`]: m.oracle ? num(m.oracle.rest.sdr) : null,
    tracks: m.tracks,
    max_seconds: typeof report.protocol.maxSeconds === 'number' ? report.protocol.maxSeconds : null,
  };
}
