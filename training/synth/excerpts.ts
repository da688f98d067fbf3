/**
 * Listening excerpts for docs/listening: for each kind of part, the first generated song that has
 * it, that part rendered alone (its real preset and effects), the busiest few seconds, mono 16-bit.
 * Plus full mixes. Run: `node --import tsx training/synth/excerpts.ts docs/listening`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeWavFile } from '../dataset/audio-io.js';
import { composeSong } from './compose.js';
import { renderSong } from './render-song.js';
import type { Part, Song, Split, TargetInstrument } from './song.js';

export interface ExcerptSpec {
  name: string;
  target: TargetInstrument;
  split: Split;
  /** Picks the part to hear; `mix` renders the whole song. */
  match: ((p: Part) => boolean) | 'mix';
}

export const EXCERPTS: readonly ExcerptSpec[] = [
  { name: 'guitar-strum-acoustic', target: 'guitar', split: 'train', match: (p) => p.style === 'strum' && p.role === 'guitar-acoustic' },
  { name: 'guitar-fingerpick', target: 'guitar', split: 'train', match: (p) => p.style === 'fingerpick' },
  { name: 'guitar-muted', target: 'guitar', split: 'train', match: (p) => p.style === 'muted' },
  { name: 'guitar-power-chords-drive', target: 'guitar', split: 'train', match: (p) => p.style === 'power' },
  { name: 'guitar-riff-drive', target: 'guitar', split: 'train', match: (p) => p.style === 'riff' && p.role === 'guitar-drive' },
  { name: 'guitar-lead', target: 'guitar', split: 'train', match: (p) => p.style === 'lead' && p.isTarget },
  { name: 'guitar-val-freepats-strum', target: 'guitar', split: 'val', match: (p) => p.style === 'strum' && p.isTarget },
  { name: 'piano-comp', target: 'piano', split: 'train', match: (p) => p.style === 'comp' && p.isTarget },
  { name: 'piano-arpeggio', target: 'piano', split: 'train', match: (p) => p.style === 'arpeggio' && p.isTarget },
  { name: 'piano-ballad', target: 'piano', split: 'train', match: (p) => p.style === 'ballad' && p.isTarget },
  { name: 'piano-stride', target: 'piano', split: 'train', match: (p) => p.style === 'stride' && p.isTarget },
  { name: 'piano-melody', target: 'piano', split: 'train', match: (p) => p.style === 'melody' && p.isTarget },
  { name: 'piano-val-musescore', target: 'piano', split: 'val', match: (p) => p.isTarget },
  { name: 'rest-sung-voice', target: 'piano', split: 'train', match: (p) => p.role === 'voice' && p.style === 'vocal' },
  { name: 'rest-organ', target: 'guitar', split: 'train', match: (p) => p.role === 'organ' },
  { name: 'mix-guitar-song', target: 'guitar', split: 'train', match: 'mix' },
  { name: 'mix-piano-song', target: 'piano', split: 'train', match: 'mix' },
];

/** Start (s) of the `seconds`-long window with the most note onsets. */
function busiest(parts: Part[], durationSec: number, seconds: number): number {
  let best = 0;
  let bestCount = -1;
  for (let t = 0; t + seconds <= durationSec; t += 0.5) {
    const count = parts.reduce((a, p) => a + p.notes.filter((n) => n.time >= t && n.time < t + seconds).length, 0);
    if (count > bestCount) { best = t; bestCount = count; }
  }
  return best;
}

/** Renders every excerpt into `outDir` as `<name>.wav` (mono, 16-bit, peak −3 dBFS); returns descriptions. */
export async function renderExcerpts(outDir: string, seed = 2024, seconds = 6, sampleRate = 22050): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const lines: string[] = [];
  for (const spec of EXCERPTS) {
    let song: Song | undefined;
    let part: Part | undefined;
    for (let i = 0; i < 400 && !song; i++) {
      const s = composeSong({ seed, index: i, target: spec.target });
      if (spec.match === 'mix') { song = s; break; }
      const m = spec.match;
      const p = s.parts.find((q) => m(q));
      if (p && p.notes.length > 10) { song = s; part = p; }
    }
    if (!song) { lines.push(`${spec.name}: no song found`); continue; }
    const solo: Song = part ? { ...song, parts: [part] } : song;
    const r = await renderSong(solo, spec.split, sampleRate);
    const start = Math.round(busiest(solo.parts, song.durationSec, seconds) * sampleRate);
    const n = Math.round(seconds * sampleRate);
    const mono = new Float32Array(n);
    for (let i = 0; i < n; i++) mono[i] = 0.5 * (r.instrument[0][start + i] + r.instrument[1][start + i] + r.rest[0][start + i] + r.rest[1][start + i]);
    let peak = 0;
    for (const x of mono) peak = Math.max(peak, Math.abs(x));
    if (peak > 0) for (let i = 0; i < n; i++) mono[i] *= 0.708 / peak;
    writeWavFile(join(outDir, `${spec.name}.wav`), { sampleRate, channels: [mono] }, 16);
    const voices = r.plan.voices.map((v) => `${v.part} ← ${v.preset.family} ${v.preset.bank}:${v.preset.program}${v.fx.drive ? ` drive ${v.fx.drive.driveDb.toFixed(0)} dB` : ''}`).join('; ');
    lines.push(`${spec.name}: song ${song.index} (${song.genre}, ${song.meter}, ${song.tempoBpm} BPM, ${song.key}), from ${(start / sampleRate).toFixed(1)} s — ${voices}`);
  }
  return lines;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  renderExcerpts(process.argv[2] ?? 'docs/listening').then((lines) => { for (const l of lines) process.stdout.write(`${l}\n`); });
}
