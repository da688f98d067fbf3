/**
 * Dataset statistics in the spirit of the thesis appendix: total duration, the distribution of
 * per-track audible ratios (10 % bins) and of silent-run lengths (1 s windows, −50 dBFS).
 */
import { readAudioFile } from './audio-io.js';
import { audibleRatio, DEFAULT_SILENCE_OPTIONS, silentRuns, silentWindows, type SilenceOptions } from './silence.js';
import { listTracks } from './track-layout.js';

export interface DatasetStats {
  tracks: number;
  totalSec: number;
  audibleSec: number;
  /** Counts of tracks per audible-ratio decile: index k covers [k·10 %, (k+1)·10 %), the last includes 100 %. */
  audibleRatioHistogram: number[];
  /** Counts of silent runs by length in windows: labels in `silenceRunLabels`. */
  silenceRunHistogram: number[];
  silenceRunLabels: string[];
  perTrack: { track: string; seconds: number; audibleRatio: number }[];
}

const RUN_EDGES = [1, 2, 3, 6, 11, 31, Infinity];
export const SILENCE_RUN_LABELS = ['1 s', '2 s', '3–5 s', '6–10 s', '11–30 s', '>30 s'];

/** Histogram bin of a silent run of `len` windows. */
export function runBin(len: number): number {
  for (let k = 0; k < RUN_EDGES.length - 1; k++) if (len >= RUN_EDGES[k] && len < RUN_EDGES[k + 1]) return k;
  return RUN_EDGES.length - 2;
}

export async function datasetStats(tracksDir: string, opts: Pick<SilenceOptions, 'thresholdDb' | 'windowSec'> = DEFAULT_SILENCE_OPTIONS): Promise<DatasetStats> {
  const s: DatasetStats = { tracks: 0, totalSec: 0, audibleSec: 0, audibleRatioHistogram: new Array(10).fill(0), silenceRunHistogram: new Array(SILENCE_RUN_LABELS.length).fill(0), silenceRunLabels: SILENCE_RUN_LABELS, perTrack: [] };
  for (const t of listTracks(tracksDir)) {
    const audio = await readAudioFile(t.instrument);
    const seconds = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
    const silent = silentWindows(audio, opts);
    const ratio = audibleRatio(silent);
    s.tracks++;
    s.totalSec += seconds;
    s.audibleSec += seconds * ratio;
    s.audibleRatioHistogram[Math.min(9, Math.floor(ratio * 10))]++;
    for (const [, len] of silentRuns(silent)) s.silenceRunHistogram[runBin(len)]++;
    s.perTrack.push({ track: t.track, seconds, audibleRatio: ratio });
  }
  return s;
}

function bar(count: number, max: number, width = 40): string {
  return '#'.repeat(max > 0 ? Math.round((count / max) * width) : 0);
}

/** Text report with ASCII histograms. */
export function formatStats(s: DatasetStats): string {
  const lines = [`tracks: ${s.tracks}`, `total: ${(s.totalSec / 3600).toFixed(2)} h, instrument audible: ${(s.audibleSec / 3600).toFixed(2)} h (${s.totalSec > 0 ? ((100 * s.audibleSec) / s.totalSec).toFixed(1) : '0'} %)`, '', 'audible ratio per track:'];
  const maxA = Math.max(...s.audibleRatioHistogram);
  s.audibleRatioHistogram.forEach((c, k) => lines.push(`  ${String(k * 10).padStart(3)}–${String(k * 10 + 10).padStart(3)} % ${String(c).padStart(6)} ${bar(c, maxA)}`));
  lines.push('', 'silent runs (instrument below threshold):');
  const maxR = Math.max(...s.silenceRunHistogram);
  s.silenceRunHistogram.forEach((c, k) => lines.push(`  ${s.silenceRunLabels[k].padStart(8)} ${String(c).padStart(6)} ${bar(c, maxR)}`));
  return `${lines.join('\n')}\n`;
}
