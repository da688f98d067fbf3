/**
 * Mask-power calibration, the decision: given eval reports of one checkpoint exported with
 * several mask exponents p (the graph outputs mask ** p), pick p and say why.
 *
 * An L1-trained mask predicts the median magnitude ratio, so it is too small wherever the model is
 * unsure; p < 1 lifts it. p is chosen on songs of the *training* families that training never saw,
 * never on the held-out validation family, with the criterion fixed in advance: the largest median
 * per-track change of (instrument SDR + rest SDR) / 2 against p = 1 (compareBothStems). A
 * candidate must beat p = 1 by that median to be chosen. Pure; `calibrate.ts` runs it.
 */
import { compareBothStems, type PairedStat } from './compare.js';
import type { EvalReport } from './report.js';

export const CRITERION = 'largest median over tracks of the mean per-track change of instrument and rest SDR against mask_power 1 (training/eval/calibration.ts)';

/** What model.json records under training.mask_power_calibration. */
export interface CalibrationRecord {
  mask_power: number;
  data: string;
  criterion: string;
  candidates: number[];
  /** Per candidate (as a string key), the paired change against p = 1. */
  scores: Record<string, PairedStat>;
  date: string;
}

/** Chooses among `reports` (by mask power; must include 1). */
export function chooseMaskPower(reports: ReadonlyMap<number, EvalReport>, data: string, date = new Date().toISOString().slice(0, 10)): CalibrationRecord {
  const base = reports.get(1);
  if (!base) throw new Error('calibration needs the mask_power 1 report as its baseline');
  const candidates = [...reports.keys()].sort((a, b) => b - a);
  const scores: Record<string, PairedStat> = {};
  let best = 1;
  let bestDelta = 0;
  for (const p of candidates) {
    if (p === 1) continue;
    const stat = compareBothStems(base, reports.get(p)!);
    scores[String(p)] = stat;
    if (stat.medianDelta > bestDelta) {
      best = p;
      bestDelta = stat.medianDelta;
    }
  }
  return { mask_power: best, data, criterion: CRITERION, candidates, scores, date };
}
