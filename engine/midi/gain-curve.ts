import { MIN_GAIN_DB } from '../mixer/index.js';

/**
 * CC value → gain in dB along an audio taper: linear gain ∝ (value/127)^k, so equal fader
 * travel near the top gives equal dB steps while the bottom fades smoothly to silence.
 * With the defaults: 0 → silent (MIN_GAIN_DB), 64 → −11.2 dB, 100 → 0 dB (unity), 127 → +6 dB.
 */
export interface GainCurve {
  /** Gain at CC 127, in dB. */
  maxDb: number;
  /** CC value that gives 0 dB (1–126). */
  unityCc: number;
}

export const DEFAULT_GAIN_CURVE: GainCurve = { maxDb: 6, unityCc: 100 };

/** The exponent in dB per decade of travel: 20·k with maxDb + 20k·log10(unity/127) = 0. */
function dbPerDecade(curve: GainCurve): number {
  return -curve.maxDb / Math.log10(curve.unityCc / 127);
}

/**
 * dB for a 7-bit CC value (0–127; fractions allowed). 0 and everything that would fall at or
 * below MIN_GAIN_DB give exactly MIN_GAIN_DB, which the mixer plays as silence (−∞ dB); a finite
 * value keeps the state JSON-safe.
 */
export function ccToDb(value: number, curve: GainCurve = DEFAULT_GAIN_CURVE): number {
  if (!(value > 0)) return MIN_GAIN_DB;
  const x = Math.min(value, 127) / 127;
  const db = curve.maxDb + dbPerDecade(curve) * Math.log10(x);
  return db <= MIN_GAIN_DB ? MIN_GAIN_DB : db;
}

/**
 * Inverse of ccToDb as a real-valued CC position (0–127), for soft takeover and for fader
 * feedback; gains above the curve's maximum give 127, silence gives 0.
 */
export function dbToCc(gainDb: number, curve: GainCurve = DEFAULT_GAIN_CURVE): number {
  if (!(gainDb > MIN_GAIN_DB)) return 0;
  if (gainDb >= curve.maxDb) return 127;
  return 127 * Math.pow(10, (gainDb - curve.maxDb) / dbPerDecade(curve));
}

/** Linear map of a CC value onto [min, max] (latency and other plain ranges). */
export function ccToRange(value: number, min: number, max: number): number {
  return min + ((max - min) * Math.min(Math.max(value, 0), 127)) / 127;
}

/** Inverse of ccToRange (clamped to 0–127). */
export function rangeToCc(x: number, min: number, max: number): number {
  if (max === min) return 0;
  return Math.min(127, Math.max(0, (127 * (x - min)) / (max - min)));
}
