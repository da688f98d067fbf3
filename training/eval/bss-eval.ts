import { StemstreamError } from '../../engine/errors.js';
import { factorise, type Factorisation } from './linear-solve.js';
import { nextPowerOfTwo, RealFft } from './real-fft.js';

/**
 * BSS-eval v3 `bss_eval_sources` (Vincent, Gribonval & Févotte 2006), a port of
 * `mir_eval.separation.bss_eval_sources` (mir_eval 0.7): each estimate is decomposed with
 * least-squares projections onto 512-tap delayed copies of the references.
 *
 * Faithful to mir_eval: same zero padding (signals + 511 zeros), same FFT size (next power of two
 * ≥ nbSamples + 511), same Gram matrix and correlation vector, same energy ratios (`_safe_db`:
 * a zero denominator gives +Infinity), same permutation search (first maximum of mean SIR over
 * `itertools.permutations` order). Faster than mir_eval because the Gram matrices depend only on
 * the references: they are built and factorised once and reused for every estimate and pairing.
 *
 * Deliberate differences (mir_eval raises ValueError in these cases):
 * - an all-zero reference j: its SDR/SIR/SAR are NaN, `silentReferences[j]` is true, and the other
 *   sources are evaluated against the non-silent references only;
 * - an all-zero estimate: SDR −Infinity, SIR and SAR NaN, `silentEstimates[j]` true;
 * - in the permutation search NaN criteria are left out of the mean SIR.
 * Empty input (zero sources or zero samples) returns empty arrays, as mir_eval does.
 */

/** Distortion filter length allowed by bss_eval_sources (taps). */
export const BSS_FILTER_LENGTH = 512;

/** Largest source count accepted with permutation search (nbSources! pairings are ranked). */
export const MAX_PERMUTED_SOURCES = 8;

export interface BssEvalOptions {
  /** Search the estimate↔reference pairing with the best mean SIR (mir_eval default: true). */
  computePermutation?: boolean;
}

/** Per reference source j (in reference order), in dB. `perm[j]` = index of the estimate matched to reference j. */
export interface BssEvalResult {
  sdr: number[];
  sir: number[];
  sar: number[];
  perm: number[];
  /** Reference j was all zeros (mir_eval would have thrown): its metrics are NaN. */
  silentReferences: boolean[];
  /** Estimate j was all zeros (mir_eval would have thrown): SDR −Inf, SIR/SAR NaN. */
  silentEstimates: boolean[];
}

type Signal = Float64Array | Float32Array;

/**
 * Computes SDR/SIR/SAR (dB) of `estimates` against `references`.
 * @param references nbSources mono signals, all nbSamples long (source-major, one array per source).
 * @param estimates same shape as `references`.
 */
export function bssEvalSources(
  references: readonly Signal[],
  estimates: readonly Signal[],
  opts: BssEvalOptions = {},
): BssEvalResult {
  if (estimates.length !== references.length) {
    throw new StemstreamError(
      'SS_ERR_BAD_OPTION',
      `bss_eval needs as many estimates as references (got ${estimates.length} estimates, ${references.length} references)`,
    );
  }
  return new BssReferences(references).evaluate(estimates, opts);
}

/**
 * Fixed references, prepared once (FFTs, Gram matrices and their factorisations), for evaluating
 * several sets of estimates against them (e.g. a model and the oracle mask): the expensive part of
 * bss_eval depends only on the references.
 */
export class BssReferences {
  readonly nbSources: number;
  readonly nbSamples: number;
  private readonly silent: boolean[];
  private readonly active: number[];
  private projector: Projector | null | undefined;
  private readonly refs: Float64Array[];

  /** @param references nbSources mono signals of equal length. */
  constructor(references: readonly Signal[]) {
    this.nbSources = references.length;
    this.nbSamples = this.nbSources > 0 ? references[0].length : 0;
    checkLengths('reference', references, this.nbSamples);
    this.refs = references.map((s) => Float64Array.from(s));
    this.silent = this.refs.map(isSilent);
    this.active = this.refs.map((_, j) => j).filter((j) => !this.silent[j]);
  }

  // Built on first use, so that empty or all-silent inputs cost nothing.
  private getProjector(): Projector | null {
    if (this.projector === undefined) {
      this.projector =
        this.active.length > 0 ? new Projector(this.active.map((j) => this.refs[j]), BSS_FILTER_LENGTH) : null;
    }
    return this.projector;
  }

  /** bss_eval_sources of `estimates` (same shape as the references). */
  evaluate(estimates: readonly Signal[], opts: BssEvalOptions = {}): BssEvalResult {
    const computePermutation = opts.computePermutation ?? true;
    const nbSources = this.nbSources;
    if (estimates.length !== nbSources) {
      throw new StemstreamError(
        'SS_ERR_BAD_OPTION',
        `bss_eval needs as many estimates as references (got ${estimates.length} estimates, ${nbSources} references)`,
      );
    }
    checkLengths('estimate', estimates, this.nbSamples);
    if (nbSources === 0 || this.nbSamples === 0) {
      return { sdr: [], sir: [], sar: [], perm: [], silentReferences: [], silentEstimates: [] };
    }
    if (computePermutation && nbSources > MAX_PERMUTED_SOURCES) {
      throw new StemstreamError(
        'SS_ERR_BAD_OPTION',
        `bss_eval permutation search over ${nbSources} sources is too costly (max ${MAX_PERMUTED_SOURCES})`,
      );
    }
    const ests = estimates.map((s) => Float64Array.from(s));
    const silentReferences = [...this.silent];
    const silentEstimates = ests.map(isSilent);
    const projector = this.getProjector();

    // Criteria matrices indexed [jest][jtrue]; only the pairings needed are filled.
    const sdr = matrix(nbSources, NaN);
    const sir = matrix(nbSources, NaN);
    const sar = matrix(nbSources, NaN);
    for (let jest = 0; jest < nbSources; jest++) {
      const trues = computePermutation ? range(nbSources) : [jest];
      if (silentEstimates[jest]) {
        for (const jtrue of trues) if (!silentReferences[jtrue]) sdr[jest][jtrue] = -Infinity;
        continue;
      }
      if (!projector) continue;
      const est = ests[jest];
      const d = projector.correlations(projector.spectrum(est));
      const pAll = projector.projectAll(d);
      for (const jtrue of trues) {
        if (silentReferences[jtrue]) continue;
        const pTrue = projector.projectOne(this.active.indexOf(jtrue), d);
        const c = sourceCriteria(est, pTrue, pAll);
        sdr[jest][jtrue] = c.sdr;
        sir[jest][jtrue] = c.sir;
        sar[jest][jtrue] = c.sar;
      }
    }

    let perm = range(nbSources);
    if (computePermutation) {
      let best = -Infinity;
      let first = true;
      for (const p of permutations(nbSources)) {
        let sum = 0;
        let count = 0;
        for (let j = 0; j < nbSources; j++) {
          const v = sir[p[j]][j];
          if (Number.isNaN(v)) continue;
          sum += v;
          count++;
        }
        const mean = count > 0 ? sum / count : -Infinity;
        // Strictly greater keeps the first maximum, like numpy.argmax.
        if (first || mean > best) {
          best = mean;
          perm = p;
          first = false;
        }
      }
    }
    return {
      sdr: perm.map((jest, j) => sdr[jest][j]),
      sir: perm.map((jest, j) => sir[jest][j]),
      sar: perm.map((jest, j) => sar[jest][j]),
      perm,
      silentReferences,
      silentEstimates,
    };
  }
}

function checkLengths(label: string, list: readonly Signal[], nbSamples: number): void {
  list.forEach((s, j) => {
    if (s.length !== nbSamples) {
      throw new StemstreamError(
        'SS_ERR_BAD_OPTION',
        `bss_eval: ${label} ${j} has ${s.length} samples, expected ${nbSamples} (all signals must be the same length)`,
      );
    }
  });
}

/**
 * Least-squares projections onto delayed copies (0 … filterLength−1 samples) of a fixed set of
 * references. Builds mir_eval's Gram matrix G (nbRefs·L square, block (i,j) = Toeplitz of the
 * cross-correlation of refs i and j) once and factorises it, plus each diagonal block for the
 * single-source projection.
 */
class Projector {
  private readonly fft: RealFft;
  private readonly refSpectra: Float64Array[];
  private readonly all: Factorisation;
  private readonly single: Factorisation[];
  private readonly outLength: number;

  constructor(
    private readonly refs: Float64Array[],
    private readonly filterLength: number,
  ) {
    const nbRefs = refs.length;
    const nbSamples = refs[0].length;
    const flen = filterLength;
    this.outLength = nbSamples + flen - 1;
    this.fft = new RealFft(nextPowerOfTwo(this.outLength));
    const nFft = this.fft.size;
    this.refSpectra = refs.map((r) => this.fft.forward(r));

    const n = nbRefs * flen;
    const g = new Float64Array(n * n);
    for (let i = 0; i < nbRefs; i++) {
      for (let j = i; j < nbRefs; j++) {
        // r[k] = Σ_t ref_i[t+k]·ref_j[t]; G[i·L+a, j·L+b] = <ref_i delayed a, ref_j delayed b> = r[(b−a) mod nFft].
        const r = this.fft.crossCorrelation(this.refSpectra[i], this.refSpectra[j]);
        for (let a = 0; a < flen; a++) {
          for (let b = 0; b < flen; b++) {
            const v = r[(b - a + nFft) % nFft];
            g[(i * flen + a) * n + j * flen + b] = v;
            g[(j * flen + b) * n + i * flen + a] = v;
          }
        }
      }
    }
    this.all = factorise(g, n);
    this.single = refs.map((_, i) => {
      if (nbRefs === 1) return this.all;
      const block = new Float64Array(flen * flen);
      for (let a = 0; a < flen; a++) {
        for (let b = 0; b < flen; b++) block[a * flen + b] = g[(i * flen + a) * n + i * flen + b];
      }
      return factorise(block, flen);
    });
  }

  spectrum(est: Float64Array): Float64Array {
    return this.fft.forward(est);
  }

  /** D[i·L + a] = <ref_i delayed by a, est> for every reference i (mir_eval's D). */
  correlations(estSpectrum: Float64Array): Float64Array {
    const flen = this.filterLength;
    const nFft = this.fft.size;
    const d = new Float64Array(this.refs.length * flen);
    for (let i = 0; i < this.refs.length; i++) {
      const r = this.fft.crossCorrelation(this.refSpectra[i], estSpectrum);
      d[i * flen] = r[0];
      for (let a = 1; a < flen; a++) d[i * flen + a] = r[nFft - a];
    }
    return d;
  }

  /** Projection of the estimate on all references, length nbSamples + L − 1. */
  projectAll(d: Float64Array): Float64Array {
    const c = this.all.solve(d);
    return this.filterAndSum(c, range(this.refs.length));
  }

  /** Projection of the estimate on reference k alone, length nbSamples + L − 1. */
  projectOne(k: number, d: Float64Array): Float64Array {
    const flen = this.filterLength;
    const c = this.single[k].solve(d.subarray(k * flen, (k + 1) * flen));
    return this.filterAndSum(c, [k]);
  }

  // Σ_i conv(C_i, ref_i), computed in the frequency domain: nFft ≥ nbSamples + L − 1, so the
  // circular convolution equals the linear one on the kept samples.
  private filterAndSum(c: Float64Array, sources: number[]): Float64Array {
    const flen = this.filterLength;
    const acc = new Float64Array(2 * this.fft.size);
    sources.forEach((src, slot) => {
      const h = this.fft.forward(c.subarray(slot * flen, (slot + 1) * flen));
      const s = this.refSpectra[src];
      for (let m = 0; m < acc.length; m += 2) {
        acc[m] += h[m] * s[m] - h[m + 1] * s[m + 1];
        acc[m + 1] += h[m] * s[m + 1] + h[m + 1] * s[m];
      }
    });
    return this.fft.inverseReal(acc, this.outLength);
  }
}

/** mir_eval `_bss_source_crit` from the two projections (est is zero-padded implicitly). */
function sourceCriteria(
  est: Float64Array,
  pTrue: Float64Array,
  pAll: Float64Array,
): { sdr: number; sir: number; sar: number } {
  let eTrue = 0; // |s_target|² = |P_j e|²
  let eAll = 0; // |P_all e|²
  let eInterf = 0; // |P_all e − P_j e|²
  let eDist = 0; // |e − P_j e|² (interference + artifacts)
  let eArtif = 0; // |e − P_all e|²
  for (let t = 0; t < pAll.length; t++) {
    const e = t < est.length ? est[t] : 0;
    const pj = pTrue[t];
    const pa = pAll[t];
    eTrue += pj * pj;
    eAll += pa * pa;
    eInterf += (pa - pj) * (pa - pj);
    eDist += (e - pj) * (e - pj);
    eArtif += (e - pa) * (e - pa);
  }
  return { sdr: safeDb(eTrue, eDist), sir: safeDb(eTrue, eInterf), sar: safeDb(eAll, eArtif) };
}

/** mir_eval `_safe_db`: +Infinity for a zero denominator. */
function safeDb(num: number, den: number): number {
  if (den === 0) return Infinity;
  return 10 * Math.log10(num / den);
}

function isSilent(s: Float64Array): boolean {
  for (let i = 0; i < s.length; i++) if (s[i] !== 0) return false;
  return true;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function matrix(n: number, fill: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(fill));
}

/** All permutations of 0…n−1 in `itertools.permutations` (lexicographic) order. */
export function permutations(n: number): number[][] {
  const out: number[][] = [];
  const used = new Array<boolean>(n).fill(false);
  const current: number[] = [];
  const walk = (): void => {
    if (current.length === n) {
      out.push([...current]);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      used[i] = true;
      current.push(i);
      walk();
      current.pop();
      used[i] = false;
    }
  };
  walk();
  return out;
}
