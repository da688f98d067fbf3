/**
 * The terminal listening tool: plays N evenly spaced excerpts of each stem through sox's `play`
 * and sets quality marks by key. The key → action logic is pure (`keyAction`) so it is tested
 * without audio; playback is only attempted on a TTY with `play` installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StemstreamError } from '../../engine/errors.js';
import { readAudioFile } from './audio-io.js';
import { MARKS, readMarks, toggleMark, type Mark } from './marks.js';
import { trackPaths } from './track-layout.js';

/** Keys: one per mark, plus replay, next excerpt, previous, quit. */
export const KEY_MARKS: Readonly<Record<string, Mark>> = { m: 'missing', b: 'bleed', q: 'bad_quality', i: 'inaudible', l: 'mislabeled', d: 'detailed', c: 'checked' };

export type KeyAction = { kind: 'toggle'; mark: Mark } | { kind: 'replay' } | { kind: 'next' } | { kind: 'previous' } | { kind: 'quit' } | { kind: 'unknown'; key: string };

export function keyAction(key: string): KeyAction {
  const mark = KEY_MARKS[key];
  if (mark) return { kind: 'toggle', mark };
  if (key === ' ' || key === 'r') return { kind: 'replay' };
  if (key === 'n' || key === '\r' || key === '\n') return { kind: 'next' };
  if (key === 'p') return { kind: 'previous' };
  if (key === 'x' || key === '\u0003' || key === '\u001b') return { kind: 'quit' };
  return { kind: 'unknown', key };
}

/** Applies a key to a track's marks; returns the action and the marks afterwards. */
export function applyKey(trackDir: string, instrument: string, key: string): { action: KeyAction; marks: Mark[] } {
  const action = keyAction(key);
  if (action.kind === 'toggle') toggleMark(trackDir, instrument, action.mark);
  return { action, marks: readMarks(trackDir, instrument) };
}

export interface Excerpt {
  stem: 'instrument' | 'rest';
  path: string;
  startSec: number;
  seconds: number;
}

/** N excerpts per stem, evenly spread over the track (centres of N equal parts). */
export function excerpts(trackDir: string, durationSec: number, splits: number, seconds: number): Excerpt[] {
  if (!(splits >= 1)) throw new StemstreamError('SS_ERR_BAD_OPTION', `--splits must be at least 1 (got ${splits})`);
  const t = trackPaths(trackDir);
  const out: Excerpt[] = [];
  for (const stem of ['instrument', 'rest'] as const) {
    for (let k = 0; k < splits; k++) {
      const centre = ((k + 0.5) * durationSec) / splits;
      const startSec = Math.max(0, Math.min(durationSec - seconds, centre - seconds / 2));
      out.push({ stem, path: stem === 'instrument' ? t.instrument : t.rest, startSec, seconds: Math.min(seconds, durationSec) });
    }
  }
  return out;
}

export function playCommand(e: Excerpt): string[] {
  return ['play', '-q', e.path, 'trim', e.startSec.toFixed(2), e.seconds.toFixed(2)];
}

function hasPlay(): boolean {
  return spawnSync('sh', ['-c', 'command -v play'], { stdio: 'ignore' }).status === 0;
}

async function readKey(): Promise<string> {
  return new Promise((resolve) => {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.once('data', (d: Buffer) => {
      process.stdin.setRawMode(false);
      process.stdin.pause();
      resolve(d.toString('utf8'));
    });
  });
}

/** Interactive session for one track (prints the play commands when it cannot play). */
export async function listenTrack(trackDir: string, opts: { instrument: string; splits: number; seconds: number; printOnly: boolean }): Promise<void> {
  const t = trackPaths(trackDir);
  if (!existsSync(t.instrument)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `${t.instrument} not found`);
  const audio = await readAudioFile(t.instrument);
  const duration = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
  const list = excerpts(trackDir, duration, opts.splits, opts.seconds);
  const interactive = !opts.printOnly && process.stdin.isTTY && hasPlay();
  if (!interactive) {
    for (const e of list) process.stdout.write(`${playCommand(e).map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}\n`);
    process.stdout.write(`marks: ${readMarks(trackDir, opts.instrument).join(' ') || '(none)'}; set with: stemstream dataset marks ${trackDir} --instrument ${opts.instrument} --set <${MARKS.join('|')}>\n`);
    return;
  }
  process.stdout.write(`keys: ${Object.entries(KEY_MARKS).map(([k, m]) => `${k}=${m}`).join(' ')}  space=replay n=next p=previous x=quit\n`);
  let i = 0;
  while (i >= 0 && i < list.length) {
    const e = list[i];
    process.stdout.write(`[${i + 1}/${list.length}] ${e.stem} ${e.startSec.toFixed(1)} s  marks: ${readMarks(trackDir, opts.instrument).join(' ') || '-'}\n`);
    const [cmd, ...args] = playCommand(e);
    spawnSync(cmd, args, { stdio: 'ignore' });
    const { action, marks } = applyKey(trackDir, opts.instrument, await readKey());
    if (action.kind === 'toggle') process.stdout.write(`  marks now: ${marks.join(' ') || '-'}\n`);
    else if (action.kind === 'next') i++;
    else if (action.kind === 'previous') i = Math.max(0, i - 1);
    else if (action.kind === 'quit') break;
  }
}
