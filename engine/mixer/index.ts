export { Mixer, type MixerOptions } from './mixer.js';
export {
  MixerParam, type MixerParamId, MIXER_PARAM_COUNT, MIXER_STEMS, type MixerStem, MAX_GAIN_DB, MIN_GAIN_DB,
  MeterStrip, MeterKind, METER_COUNT, meterIndex, dbToGain, gainToDb,
} from './mixer-params.js';
export { defaultMixerState, diffMixerState, type MixerState, type StripState, type EmitParam } from './mixer-state.js';
