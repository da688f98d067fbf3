/**
 * Picks K (run the model every K hops) from a measured inference time: the model must keep up
 * with the audio (one run per K hops) with room to spare for the other threads on the same cores
 * and for jitter, so the mean inference may use at most `maxShare` of the K hops. At a fixed
 * latency a larger K also shrinks the time each run has (every hop of K is delay), so with
 * `budgetMs` K must leave that deadline `safety` × the inference too.
 */
export interface HopChoiceOptions {
  /** One hop in ms at the model rate (384 / 22050 s = 17.4 ms for the shipped models). */
  hopMs: number;
  /** Model window in frames; K may be at most half of it. */
  chunkFrames: number;
  /** Largest share of K hops the mean inference may take. Default 0.6. */
  maxShare?: number;
  /** Inference budget (deadline) at this K for the requested latency; NaN when it cannot hold K. */
  budgetMs?: (hopInterval: number) => number;
  /** With `budgetMs`: the deadline must hold this many times the inference. Default 2. */
  safety?: number;
}

/** Smallest K in 1..chunkFrames/2 with `inferenceMs ≤ maxShare · K · hopMs` (the largest K if none). */
export function chooseHopInterval(inferenceMs: number, options: HopChoiceOptions): number {
  const share = options.maxShare ?? 0.6;
  const maxK = Math.max(1, Math.floor(options.chunkFrames / 2));
  if (!(inferenceMs > 0) || !(options.hopMs > 0)) return 1;
  const k = Math.min(maxK, Math.max(1, Math.ceil(inferenceMs / (share * options.hopMs) - 1e-9)));
  const budgetMs = options.budgetMs;
  if (budgetMs === undefined) return k;
  // Both margins as ratios (≥ 1: met): the smallest K that meets both, else the best compromise.
  const safety = options.safety ?? 2;
  let best = -1;
  let bestScore = -Infinity;
  for (let kk = 1; kk <= maxK; kk++) {
    const budget = budgetMs(kk);
    if (!Number.isFinite(budget)) continue;
    const score = Math.min((share * kk * options.hopMs) / inferenceMs, budget / (safety * inferenceMs));
    if (score >= 1) return kk;
    if (score > bestScore) {
      bestScore = score;
      best = kk;
    }
  }
  return best > 0 ? best : k;
}

export interface LookaheadChoiceOptions {
  /** Largest L to consider. Quality barely improves past a few frames of future context. */
  maxLookahead: number;
  /** The inference budget must hold this many times the measured inference. Default 2 (jitter, other threads). */
  safety?: number;
}

/**
 * Picks L (frames of lookahead) for a fixed latency: every frame of lookahead is a hop of delay
 * taken from the inference budget (latency − structural delay), so take the largest L whose
 * budget still covers `safety` × the inference time. `budgetMs(L)` is that budget, or NaN when
 * the latency cannot hold L at all; 0 when no L fits (the model may then miss deadlines).
 */
export function chooseLookahead(budgetMs: (lookahead: number) => number, inferenceMs: number, options: LookaheadChoiceOptions): number {
  const need = (options.safety ?? 2) * Math.max(0, inferenceMs);
  for (let l = Math.max(0, Math.floor(options.maxLookahead)); l > 0; l--) {
    const b = budgetMs(l);
    if (Number.isFinite(b) && b >= need) return l;
  }
  return 0;
}
