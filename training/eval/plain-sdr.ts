/**
 * The "new SDR" of the Music Demixing challenges (MDX 2021, SDX 2023): no projection, no filter,
 * just 10·log10((Σ s² + ε) / (Σ (s − ŝ)² + ε)) summed over all channels and samples, ε = 1e-7.
 * Unlike BSS-eval it punishes any gain or filtering error, and it never throws or returns NaN.
 */

type Signal = ArrayLike<number>;

/** MDX's default ε (keeps silent references and perfect estimates finite). */
export const PLAIN_SDR_EPSILON = 1e-7;

/**
 * @param reference planar channels of the true stem (nbChannels arrays of nbSamples), or one mono array.
 * @param estimate same shape as `reference`.
 * @returns dB.
 */
export function plainSdr(
  reference: Signal | readonly Signal[],
  estimate: Signal | readonly Signal[],
  epsilon = PLAIN_SDR_EPSILON,
): number {
  const refs = asChannels(reference);
  const ests = asChannels(estimate);
  if (refs.length !== ests.length) {
    throw new RangeError(`plain SDR needs equal channel counts (reference ${refs.length}, estimate ${ests.length})`);
  }
  let num = 0;
  let den = 0;
  refs.forEach((s, c) => {
    const e = ests[c];
    if (s.length !== e.length) {
      throw new RangeError(`plain SDR needs equal lengths (channel ${c}: reference ${s.length}, estimate ${e.length})`);
    }
    for (let i = 0; i < s.length; i++) {
      num += s[i] * s[i];
      const d = s[i] - e[i];
      den += d * d;
    }
  });
  return 10 * Math.log10((num + epsilon) / (den + epsilon));
}

function asChannels(x: Signal | readonly Signal[]): readonly Signal[] {
  // A planar list is an array whose items are array-likes; a mono signal has numbers.
  if (Array.isArray(x) && x.length > 0 && typeof x[0] !== 'number') return x as readonly Signal[];
  if (Array.isArray(x) && x.length === 0) return [];
  return [x as Signal];
}
