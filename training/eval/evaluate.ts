import { StemstreamError } from '../../engine/errors.js';
import { BssReferences } from './bss-eval.js';
import { listTracks, readWav, type TrackFiles } from './dataset.js';
import { ORACLE_MASK_FORMULAS, ORACLE_MASK_KINDS, oracleMaskSeparation, type OracleMaskKind } from './oracle-mask.js';
import { plainSdr } from './plain-sdr.js';
import { downmix, resampleMono } from './resample.js';
import { summarise, type EvalReport, type StemMetrics, type SystemMetrics, type TrackResult } from './report.js';
import { siSdr } from './si-sdr.js';
import { EVAL_SAMPLE_RATE, istft, MODEL_STFT, stft } from './stft-bridge.js';

/**
 * The evaluation protocol (thesis evaluation, made explicit):
 * 1. Read `instrument_<track>.wav` and `rest_<track>.wav`; cut both to the first `maxSeconds`;
 *    downmix each to mono (mean of channels); resample to 22050 Hz if the dataset is at another
 *    rate (the engine's resampler); cut to the shorter of the two.
 * 2. References = the STFT round trip of each mono stem, ISTFT(STFT(x)) with the model's STFT
 *    (1536 / 384, periodic Hann, centred, reflect padding); mix = instrument_ref + rest_ref
 *    (the thesis mixes the complex STFTs, which is the same thing by linearity).
 * 3. The separator gets the mono mix as one planar channel at 22050 Hz; its outputs are
 *    downmixed to mono and must have the mix's length.
 * 4. Metrics per stem: BSS-eval v3 SDR/SIR/SAR (`bss_eval_sources([inst_ref, rest_ref],
 *    [est_inst, est_rest])`, 512-tap filters, permutation search on by default as in the thesis's
 *    mir_eval call — `perm` is reported so a swapped pairing is visible), SI-SDR (zero-mean)
 *    and the MDX "new SDR" (no projection).
 * 5. The same metrics for an oracle mask on the mix STFT (the IRM clip(|S_inst|/|S_mix|, 0, 1) by
 *    default, or the phase-sensitive mask; see oracle-mask.ts).
 * 6. Medians over tracks per metric, NaN (silent stems) left out.
 */

/** Dependency-injected separation: planar mix in, planar stems out, same rate and length. */
export type Separator = (
  mix: Float32Array[],
  sampleRate: number,
) => Promise<{ instrument: Float32Array[]; rest: Float32Array[] }>;

export interface EvaluateOptions {
  separator: Separator;
  /** Recorded in the report. */
  modelName?: string;
  /** Evaluate only the first S seconds of each track. */
  maxSeconds?: number;
  /** Evaluate only the first N tracks (by name). */
  maxTracks?: number;
  /** Search the estimate↔reference pairing as mir_eval does by default (default true, thesis). */
  computePermutation?: boolean;
  /** Also evaluate the oracle mask (default true). */
  oracle?: boolean;
  /** Which oracle mask (default 'irm', the training target; 'psm' is the model class's tighter bound). */
  oracleMask?: OracleMaskKind;
  /** How the separator ran (offline chunking, or the live path's latency and hops): recorded in the protocol. */
  separatorSettings?: string;
  /** Called after each track (progress on stderr, logging). */
  onTrack?: (done: number, total: number, track: TrackResult) => void;
}

/** Mono stems of one track at 22050 Hz, before the round trip. */
export interface PreparedTrack {
  name: string;
  instrument: Float32Array;
  rest: Float32Array;
  sourceSampleRate: number;
  warnings: string[];
}

/**
 * Evaluates every track of `dataDir` (layout in dataset.ts) and returns the report
 * (per-track metrics and medians; format it with `toMarkdown` / `toJson`).
 * @throws StemstreamError SS_ERR_FILE_NOT_FOUND / SS_ERR_BAD_DATASET / SS_ERR_CORRUPT_AUDIO /
 *   SS_ERR_BAD_OPTION (bad limits) / SS_ERR_INFERENCE (separator output of the wrong shape)
 */
export async function evaluateDataset(dataDir: string, opts: EvaluateOptions): Promise<EvalReport> {
  checkLimits(opts);
  const listing = listTracks(dataDir, EVAL_SAMPLE_RATE);
  const files = opts.maxTracks === undefined ? listing.tracks : listing.tracks.slice(0, opts.maxTracks);
  const tracks: TrackResult[] = [];
  for (const [i, file] of files.entries()) {
    const prepared = await prepareTrack(file, opts.maxSeconds);
    const result = await evaluateTrack(prepared, opts);
    tracks.push(result);
    opts.onTrack?.(i + 1, files.length, result);
  }
  return {
    schema: 'stemstream-eval/1',
    createdAt: new Date().toISOString(),
    model: opts.modelName ?? null,
    dataset: dataDir,
    protocol: {
      sampleRate: EVAL_SAMPLE_RATE,
      channels: 'mono downmix (mean)',
      references: `STFT round trip (nFft ${MODEL_STFT.nFft}, hop ${MODEL_STFT.hop}, periodic Hann, centred, reflect)`,
      mix: 'instrument_ref + rest_ref',
      bssEval: 'bss_eval_sources v3 (mir_eval 0.7 port), 512-tap distortion filters',
      computePermutation: opts.computePermutation ?? true,
      siSdr: 'Le Roux et al. 2019, zero-mean',
      plainSdr: 'MDX new SDR, 10·log10((Σs²+1e-7)/(Σ(s−ŝ)²+1e-7))',
      oracle: opts.oracle === false ? null : ORACLE_MASK_FORMULAS[opts.oracleMask ?? 'irm'],
      oracleMask: opts.oracle === false ? null : (opts.oracleMask ?? 'irm'),
      maxSeconds: opts.maxSeconds ?? null,
      separator: opts.separatorSettings ?? null,
      median: 'per metric over tracks, NaN left out',
    },
    tracks,
    median: summarise(tracks),
  };
}

function checkLimits(opts: EvaluateOptions): void {
  if (opts.oracleMask !== undefined && !ORACLE_MASK_KINDS.includes(opts.oracleMask)) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `oracle mask must be one of ${ORACLE_MASK_KINDS.join(', ')}, got ${String(opts.oracleMask)}`);
  }
  if (opts.maxSeconds !== undefined && !(Number.isFinite(opts.maxSeconds) && opts.maxSeconds > 0)) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `max seconds must be a positive number, got ${opts.maxSeconds}`);
  }
  if (opts.maxTracks !== undefined && !(Number.isInteger(opts.maxTracks) && opts.maxTracks > 0)) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `track count must be a positive integer, got ${opts.maxTracks}`);
  }
}

/** Step 1 of the protocol: read, cut, downmix, resample to 22050 Hz. */
export async function prepareTrack(file: TrackFiles, maxSeconds?: number): Promise<PreparedTrack> {
  const inst = readWav(file.instrumentPath);
  const rest = readWav(file.restPath);
  if (inst.sampleRate !== rest.sampleRate) {
    throw new StemstreamError(
      'SS_ERR_BAD_DATASET',
      `track ${file.name}: instrument is ${inst.sampleRate} Hz but rest is ${rest.sampleRate} Hz`,
    );
  }
  const warnings: string[] = [];
  const rate = inst.sampleRate;
  const cut = (x: Float32Array): Float32Array =>
    maxSeconds === undefined ? x : x.subarray(0, Math.min(x.length, Math.round(maxSeconds * rate)));
  let i = await resampleMono(cut(downmix(inst.channels)), rate, EVAL_SAMPLE_RATE);
  let r = await resampleMono(cut(downmix(rest.channels)), rate, EVAL_SAMPLE_RATE);
  if (i.length !== r.length) {
    warnings.push(`stems differ in length (${i.length} vs ${r.length} samples at 22050 Hz): cut to the shorter`);
    const n = Math.min(i.length, r.length);
    i = i.subarray(0, n);
    r = r.subarray(0, n);
  }
  return { name: file.name, instrument: i, rest: r, sourceSampleRate: rate, warnings };
}

/**
 * Steps 2–5 of the protocol for one track of mono 22050 Hz stems.
 * @throws StemstreamError SS_ERR_INFERENCE when the separator returns stems of the wrong length
 */
export async function evaluateTrack(track: PreparedTrack, opts: EvaluateOptions): Promise<TrackResult> {
  const n = track.instrument.length;
  if (n === 0) throw new StemstreamError('SS_ERR_BAD_DATASET', `track ${track.name} is empty`);
  const instRef = istft(stft(track.instrument, MODEL_STFT), MODEL_STFT, n);
  const restRef = istft(stft(track.rest, MODEL_STFT), MODEL_STFT, n);
  const mix = new Float32Array(n);
  for (let t = 0; t < n; t++) mix[t] = instRef[t] + restRef[t];

  const started = performance.now();
  const out = await opts.separator([Float32Array.from(mix)], EVAL_SAMPLE_RATE);
  const separateSeconds = (performance.now() - started) / 1000;
  const estInst = monoOfLength(out.instrument, n, track.name, 'instrument');
  const estRest = monoOfLength(out.rest, n, track.name, 'rest');

  const computePermutation = opts.computePermutation ?? true;
  // Model and oracle share the references, hence the Gram matrices and their factorisations.
  const refs = new BssReferences([instRef, restRef]);
  const model = systemMetrics(refs, instRef, restRef, estInst, estRest, computePermutation);
  const oracle =
    opts.oracle === false
      ? null
      : (() => {
          const o = oracleMaskSeparation(instRef, mix, MODEL_STFT, opts.oracleMask ?? 'irm');
          return systemMetrics(refs, instRef, restRef, o.instrument, o.rest, computePermutation);
        })();
  const warnings = [...track.warnings];
  for (const [stem, ref] of [['instrument', instRef], ['rest', restRef]] as const) {
    if (ref.every((v) => v === 0)) warnings.push(`${stem} stem is silent: its metrics are NaN and left out of the medians`);
  }
  if (model.perm[0] !== 0) warnings.push('model estimates were paired swapped (instrument ↔ rest) by the permutation search');
  return {
    name: track.name,
    seconds: n / EVAL_SAMPLE_RATE,
    sourceSampleRate: track.sourceSampleRate,
    separateSeconds,
    model,
    oracle,
    warnings,
  };
}

function monoOfLength(channels: Float32Array[], n: number, track: string, stem: string): Float32Array {
  if (!Array.isArray(channels) || channels.length === 0) {
    throw new StemstreamError('SS_ERR_INFERENCE', `separator returned no ${stem} channels for track ${track}`);
  }
  const mono = downmix(channels);
  if (mono.length !== n || channels.some((c) => c.length !== n)) {
    throw new StemstreamError(
      'SS_ERR_INFERENCE',
      `separator returned ${stem} of ${channels.map((c) => c.length).join('/')} samples for track ${track}, expected ${n}`,
    );
  }
  return mono;
}

function systemMetrics(
  refs: BssReferences,
  instRef: Float32Array,
  restRef: Float32Array,
  estInst: Float32Array,
  estRest: Float32Array,
  computePermutation: boolean,
): SystemMetrics {
  const bss = refs.evaluate([estInst, estRest], { computePermutation });
  const stem = (j: number, ref: Float32Array, est: Float32Array): StemMetrics => ({
    sdr: bss.sdr[j],
    sir: bss.sir[j],
    sar: bss.sar[j],
    siSdr: siSdr(ref, est),
    plainSdr: plainSdr(ref, est),
  });
  return { instrument: stem(0, instRef, estInst), rest: stem(1, restRef, estRest), perm: bss.perm };
}
