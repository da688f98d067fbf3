/**
 * Parameter ids of the mixer, as carried by the ParamRing (paramIndex) from the control
 * thread to the audio thread. Numeric constants rather than a const enum (isolatedModules).
 */
export const MixerParam = {
  INSTRUMENT_GAIN_DB: 0,
  INSTRUMENT_MUTE: 1,
  INSTRUMENT_SOLO: 2,
  REST_GAIN_DB: 3,
  REST_MUTE: 4,
  REST_SOLO: 5,
  MASTER_GAIN_DB: 6,
  /** 1: output = dry input (click-free crossfade), 0: the separated mix. */
  BYPASS: 7,
} as const;
export type MixerParamId = (typeof MixerParam)[keyof typeof MixerParam];
export const MIXER_PARAM_COUNT = 8;

/** Stems the live mixer knows, in strip order. */
export const MIXER_STEMS = ['instrument', 'rest'] as const;
export type MixerStem = (typeof MIXER_STEMS)[number];

/** Highest gain a strip or the master accepts; higher requests are clamped. */
export const MAX_GAIN_DB = 24;
/** At or below this gain a strip is treated as silent (-Infinity dB). */
export const MIN_GAIN_DB = -120;

/**
 * Meter layout of the Float32Array the mixer writes after every block (linear amplitudes,
 * 1.0 = full scale): for each strip in [instrument, rest, master], for each of [peak, rms],
 * for each channel [L, R]. Index = strip * 4 + kind * 2 + channel.
 */
export const MeterStrip = { INSTRUMENT: 0, REST: 1, MASTER: 2 } as const;
export const MeterKind = { PEAK: 0, RMS: 1 } as const;
export const METER_COUNT = 12;

/** Index into the meters array. */
export function meterIndex(strip: number, kind: number, channel: number): number {
  return strip * 4 + kind * 2 + channel;
}

/** Linear gain of a dB value; -Infinity and anything at or below MIN_GAIN_DB give 0. */
export function dbToGain(gainDb: number): number {
  if (!(gainDb > MIN_GAIN_DB)) return 0;
  return Math.pow(10, Math.min(gainDb, MAX_GAIN_DB) / 20);
}

/** dB of a linear amplitude (-Infinity for 0), for displaying meters. */
export function gainToDb(gain: number): number {
  return gain > 0 ? 20 * Math.log10(gain) : -Infinity;
}
