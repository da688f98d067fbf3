/**
 * The `waveform` message's compact body (PROTOCOL.md): a file's min/max overview as base64 of
 * `bins` signed byte pairs (min, max), −127..127 ↔ −1..1. The minimum rounds down and the maximum
 * up, so a bin is never drawn quieter than it is. No Node APIs: the UI decodes with the same code.
 */
import type { WaveformPeaks } from '../audio-file/waveform-peaks.js';

/** Most bins a `waveform` message may carry. */
export const MAX_WAVEFORM_BINS = 4096;

/** The waveform fields of the message: no waveform (a live device input) is 0 bins. */
export interface WaveformBody {
  /** Seconds of the file. */
  durationS: number;
  /** Seconds each bin covers (the last may cover less). */
  binS: number;
  bins: number;
  /** base64 of `bins` × (int8 min, int8 max). */
  peaks: string;
}

/** Whether `peaks` is padded base64 of exactly `bins` byte pairs (its length and padding, not its alphabet). */
export function peaksFitBins(peaks: string, bins: number): boolean {
  const pad = peaks.endsWith('==') ? 2 : peaks.endsWith('=') ? 1 : 0;
  return peaks.length === 4 * Math.ceil((2 * bins) / 3) && (3 * peaks.length) / 4 - pad === 2 * bins;
}

const q = (v: number, round: (x: number) => number): number => (Number.isFinite(v) ? Math.max(-127, Math.min(127, round(v * 127))) : 0);

export function encodeWaveform(p: WaveformPeaks | null): WaveformBody {
  if (!p || p.min.length === 0 || p.sampleRate <= 0) return { durationS: p && p.sampleRate > 0 ? p.frames / p.sampleRate : 0, binS: 0, bins: 0, peaks: '' };
  // More bins than a message carries: every k neighbours become one.
  const k = Math.ceil(p.min.length / MAX_WAVEFORM_BINS);
  const bins = Math.ceil(p.min.length / k);
  let text = '';
  for (let b = 0; b < bins; b++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = b * k; i < Math.min(p.min.length, (b + 1) * k); i++) (lo = Math.min(lo, p.min[i])), (hi = Math.max(hi, p.max[i]));
    // bytes as Latin-1 code points for btoa (two's complement of the int8)
    text += String.fromCharCode(q(lo, Math.floor) & 0xff, q(hi, Math.ceil) & 0xff);
  }
  return { durationS: p.frames / p.sampleRate, binS: (k * p.framesPerBin) / p.sampleRate, bins, peaks: btoa(text) };
}

/** The min/max per bin in −1..1; null when the text is not `bins` pairs of base64. */
export function decodeWaveform(body: Pick<WaveformBody, 'bins' | 'peaks'>): { min: Float32Array; max: Float32Array } | null {
  if (!peaksFitBins(body.peaks, body.bins)) return null;
  let raw: string;
  try {
    raw = atob(body.peaks);
  } catch {
    return null;
  }
  if (raw.length !== 2 * body.bins) return null;
  const min = new Float32Array(body.bins);
  const max = new Float32Array(body.bins);
  const s8 = (c: number) => (c > 127 ? c - 256 : c) / 127;
  for (let b = 0; b < body.bins; b++) {
    min[b] = s8(raw.charCodeAt(2 * b));
    max[b] = s8(raw.charCodeAt(2 * b + 1));
  }
  return { min, max };
}
