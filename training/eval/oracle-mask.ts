import { istft, stft, type StftParams } from './stft-bridge.js';

/**
 * Which oracle mask bounds the model class (a real mask in [0, 1] times the mix STFT, mix phase):
 * - `irm`: clip(|S_inst| / |S_mix|, 0, 1), the model's own training target (target |S_inst| =
 *   mask · |S_mix|), so the best the network can output under its L1-on-magnitudes objective;
 * - `psm`: clip(Re(S_inst · conj(S_mix)) / |S_mix|², 0, 1), the phase-sensitive mask: per bin the
 *   mask in [0, 1] nearest to the true instrument STFT, hence the tighter bound of the model class
 *   itself (what any loss could reach with a bounded real mask and the mix phase).
 */
export type OracleMaskKind = 'irm' | 'psm';

export const ORACLE_MASK_KINDS: readonly OracleMaskKind[] = ['irm', 'psm'];

/** How each oracle is computed, as the eval report's protocol records it. */
export const ORACLE_MASK_FORMULAS: Record<OracleMaskKind, string> = {
  irm: 'clip(|S_inst|/|S_mix|, 0, 1) · S_mix, mix phase; rest = mix − instrument',
  psm: 'clip(Re(S_inst·conj(S_mix))/|S_mix|², 0, 1) · S_mix, mix phase; rest = mix − instrument',
};

/**
 * Oracle upper bound of our model class: instrument = ISTFT(mask · S_mix), rest = mix − instrument
 * (the thesis's reconstruction), with the mask of `kind` (0 where the mix bin is exactly 0).
 *
 * @param instrument mono reference instrument, float32, nbSamples
 * @param mix mono mix of the same length (normally instrument + rest)
 * @returns mono instrument and rest estimates, nbSamples each
 */
export function oracleMaskSeparation(
  instrument: Float32Array,
  mix: Float32Array,
  params: StftParams,
  kind: OracleMaskKind = 'irm',
): { instrument: Float32Array; rest: Float32Array } {
  if (instrument.length !== mix.length) {
    throw new RangeError(`oracle mask: instrument has ${instrument.length} samples, mix ${mix.length}`);
  }
  const sInst = stft(instrument, params);
  const sMix = stft(mix, params);
  const re = new Float32Array(sMix.re.length);
  const im = new Float32Array(sMix.im.length);
  for (let i = 0; i < re.length; i++) {
    const mr = sMix.re[i];
    const mi = sMix.im[i];
    const mixPower = mr * mr + mi * mi;
    let mask = 0;
    if (mixPower > 0) {
      const ratio =
        kind === 'irm'
          ? Math.hypot(sInst.re[i], sInst.im[i]) / Math.sqrt(mixPower)
          : (sInst.re[i] * mr + sInst.im[i] * mi) / mixPower;
      mask = Math.min(1, Math.max(0, ratio));
    }
    re[i] = mask * mr;
    im[i] = mask * mi;
  }
  const estInstrument = istft({ nbBins: sMix.nbBins, nbFrames: sMix.nbFrames, re, im }, params, mix.length);
  const estRest = new Float32Array(mix.length);
  for (let i = 0; i < mix.length; i++) estRest[i] = mix[i] - estInstrument[i];
  return { instrument: estInstrument, rest: estRest };
}
