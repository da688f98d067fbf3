/** Lowest fader position; the bottom of the fader means silence (−∞). */
export const FADER_MIN_DB = -60;
export const FADER_MAX_DB = 12;

export function formatDb(db: number): string {
  if (!(db > FADER_MIN_DB)) return '−∞';
  const r = Math.round(db * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r).toFixed(1)}`;
}

/** Fader value → engine gain: the bottom stop is silence. */
export function faderToDb(v: number): number {
  return v <= FADER_MIN_DB ? -120 : v;
}

export function dbToFader(db: number): number {
  return Math.max(FADER_MIN_DB, Math.min(FADER_MAX_DB, db));
}

/** Meter position 0..1 for a linear amplitude, over −60..+6 dBFS. */
export function meterFraction(amp: number): number {
  if (!(amp > 0)) return 0;
  const db = 20 * Math.log10(amp);
  return Math.max(0, Math.min(1, (db + 60) / 66));
}

export function formatTime(s: number): string {
  if (!Number.isFinite(s) || s < 0) s = 0;
  const tenths = Math.round(s * 10); // 59.96 s is 1:00.0, not 0:60.0
  const m = Math.floor(tenths / 600);
  return `${m}:${((tenths - 600 * m) / 10).toFixed(1).padStart(4, '0')}`;
}
