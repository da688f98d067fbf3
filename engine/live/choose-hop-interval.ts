/**
 * Picks K (run the model every K hops) from a measured inference time: the model must keep up
 * with the audio (one run per K hops) with room to spare for the other threads on the same cores
 * and for jitter, so the mean inference may use at most `maxShare` of the K hops.
 */
export interface HopChoiceOptions {
  /** One hop in ms at the model rate (384 / 22050 s = 17.4 ms for the shipped models). */
  hopMs: number;
  /** Model window in frames; K may be at most half of it. */
  chunkFrames: number;
  /** Largest share of K hops the mean inference may take. Default 0.6. */
  maxShare?: number;
}

/** Smallest K in 1..chunkFrames/2 with `inferenceMs ≤ maxShare · K · hopMs` (the largest K if none). */
export function chooseHopInterval(inferenceMs: number, options: HopChoiceOptions): number {
  const share = options.maxShare ?? 0.6;
  const maxK = Math.max(1, Math.floor(options.chunkFrames / 2));
  if (!(inferenceMs > 0) || !(options.hopMs > 0)) return 1;
  const k = Math.ceil(inferenceMs / (share * options.hopMs) - 1e-9);
  return Math.min(maxK, Math.max(1, k));
}
