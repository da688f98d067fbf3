/**
 * Scale-invariant SDR (Le Roux, Wisdom, Erdogan & Hershey, "SDR – half-baked or well done?",
 * ICASSP 2019): target = α·s with α = <ŝ,s>/<s,s>, SI-SDR = 10·log10(|target|² / |ŝ − target|²).
 * The paper makes both signals zero-mean first; `zeroMean: false` skips that (torchmetrics default).
 * A silent reference gives NaN; an estimate that is an exact scaled copy gives +Infinity.
 */

type Signal = ArrayLike<number>;

export interface SiSdrOptions {
  /** Subtract each signal's mean before projecting (default true, as in the paper). */
  zeroMean?: boolean;
}

/**
 * SI-SDR in dB of one mono estimate against one mono reference (same length, any sample rate).
 */
export function siSdr(reference: Signal, estimate: Signal, opts: SiSdrOptions = {}): number {
  if (reference.length !== estimate.length) {
    throw new RangeError(`SI-SDR needs equal lengths (reference ${reference.length}, estimate ${estimate.length})`);
  }
  return siSdrRange(reference, estimate, 0, reference.length, opts.zeroMean ?? true);
}

export interface FramewiseOptions extends SiSdrOptions {
  /** Window length in samples. */
  windowSamples: number;
  /** Hop between windows in samples (default = windowSamples: no overlap). */
  hopSamples?: number;
}

/**
 * SI-SDR per window (dB), one value per full window starting at 0, hop, 2·hop, …; a trailing
 * partial window is dropped unless the signal is shorter than one window (then one value for the
 * whole signal). Windows with a silent reference give NaN (median them with `nanMedian`).
 */
export function siSdrFramewise(reference: Signal, estimate: Signal, opts: FramewiseOptions): number[] {
  if (reference.length !== estimate.length) {
    throw new RangeError(`SI-SDR needs equal lengths (reference ${reference.length}, estimate ${estimate.length})`);
  }
  const win = opts.windowSamples;
  const hop = opts.hopSamples ?? win;
  if (!(Number.isInteger(win) && win > 0 && Number.isInteger(hop) && hop > 0)) {
    throw new RangeError(`window and hop must be positive integers (got ${win}, ${hop})`);
  }
  const zeroMean = opts.zeroMean ?? true;
  if (reference.length <= win) return [siSdrRange(reference, estimate, 0, reference.length, zeroMean)];
  const out: number[] = [];
  for (let start = 0; start + win <= reference.length; start += hop) {
    out.push(siSdrRange(reference, estimate, start, start + win, zeroMean));
  }
  return out;
}

function siSdrRange(s: Signal, e: Signal, start: number, end: number, zeroMean: boolean): number {
  const n = end - start;
  if (n <= 0) return NaN;
  let ms = 0;
  let me = 0;
  if (zeroMean) {
    for (let i = start; i < end; i++) {
      ms += s[i];
      me += e[i];
    }
    ms /= n;
    me /= n;
  }
  let ss = 0;
  let se = 0;
  for (let i = start; i < end; i++) {
    const a = s[i] - ms;
    ss += a * a;
    se += a * (e[i] - me);
  }
  if (ss === 0) return NaN;
  const alpha = se / ss;
  let target = 0;
  let noise = 0;
  for (let i = start; i < end; i++) {
    const t = alpha * (s[i] - ms);
    const d = e[i] - me - t;
    target += t * t;
    noise += d * d;
  }
  if (noise === 0) return target === 0 ? NaN : Infinity;
  return 10 * Math.log10(target / noise);
}
