import { istft, stft, type StftParams } from './stft-bridge.js';

/**
 * Oracle upper bound of our model class: a real mask in [0, 1] times the mix STFT, mix phase kept.
 * The mask is the clipped magnitude ratio min(1, |S_instrument| / |S_mix|) (0 where the mix bin is
 * exactly 0): this is the model's own training target (target |S_inst| = mask · |S_mix|), so it is
 * the best the network can output under its L1-on-magnitudes objective. Reconstruction follows
 * the thesis: instrument = ISTFT(mask · S_mix), rest = mix − instrument.
 *
 * (The phase-sensitive mask Re(S_inst·S̄_mix)/|S_mix|², clipped, would minimise the time-domain
 * error slightly better; we report the magnitude-ratio IRM because the model is trained for it.)
 *
 * @param instrument mono reference instrument, float32, nbSamples
 * @param mix mono mix of the same length (normally instrument + rest)
 * @returns mono instrument and rest estimates, nbSamples each
 */
export function oracleMaskSeparation(
  instrument: Float32Array,
  mix: Float32Array,
  params: StftParams,
): { instrument: Float32Array; rest: Float32Array } {
  if (instrument.length !== mix.length) {
    throw new RangeError(`oracle mask: instrument has ${instrument.length} samples, mix ${mix.length}`);
  }
  const sInst = stft(instrument, params);
  const sMix = stft(mix, params);
  const re = new Float32Array(sMix.re.length);
  const im = new Float32Array(sMix.im.length);
  for (let i = 0; i < re.length; i++) {
    const mixMag = Math.hypot(sMix.re[i], sMix.im[i]);
    const instMag = Math.hypot(sInst.re[i], sInst.im[i]);
    const mask = mixMag > 0 ? Math.min(1, instMag / mixMag) : 0;
    re[i] = mask * sMix.re[i];
    im[i] = mask * sMix.im[i];
  }
  const estInstrument = istft({ nbBins: sMix.nbBins, nbFrames: sMix.nbFrames, re, im }, params, mix.length);
  const estRest = new Float32Array(mix.length);
  for (let i = 0; i < mix.length; i++) estRest[i] = mix[i] - estInstrument[i];
  return { instrument: estInstrument, rest: estRest };
}
