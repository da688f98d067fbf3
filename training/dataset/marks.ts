/**
 * Quality marks: empty files `<instrument>_<mark>` in a track directory, as the thesis's tools
 * kept them (easy to see with `ls`, to commit, and to filter on with `find`).
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StemstreamError } from '../../engine/errors.js';

export const MARKS = ['missing', 'bleed', 'bad_quality', 'inaudible', 'mislabeled', 'detailed', 'checked'] as const;
export type Mark = (typeof MARKS)[number];

function assertMark(mark: string): asserts mark is Mark {
  if (!(MARKS as readonly string[]).includes(mark)) throw new StemstreamError('SS_ERR_BAD_OPTION', `unknown mark '${mark}' (one of ${MARKS.join(', ')})`);
}

function assertInstrument(instrument: string): void {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(instrument)) throw new StemstreamError('SS_ERR_BAD_OPTION', `instrument name '${instrument}' must be letters, digits, '_' or '-'`);
}

function assertDir(trackDir: string): void {
  if (!existsSync(trackDir)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `track directory ${trackDir} not found`);
}

export function markPath(trackDir: string, instrument: string, mark: Mark): string {
  return join(trackDir, `${instrument}_${mark}`);
}

export function setMark(trackDir: string, instrument: string, mark: Mark): void {
  assertDir(trackDir); assertInstrument(instrument); assertMark(mark);
  writeFileSync(markPath(trackDir, instrument, mark), '');
}

export function clearMark(trackDir: string, instrument: string, mark: Mark): void {
  assertDir(trackDir); assertInstrument(instrument); assertMark(mark);
  rmSync(markPath(trackDir, instrument, mark), { force: true });
}

export function hasMark(trackDir: string, instrument: string, mark: Mark): boolean {
  return existsSync(markPath(trackDir, instrument, mark));
}

/** Toggles a mark; returns whether it is now set. */
export function toggleMark(trackDir: string, instrument: string, mark: Mark): boolean {
  if (hasMark(trackDir, instrument, mark)) { clearMark(trackDir, instrument, mark); return false; }
  setMark(trackDir, instrument, mark);
  return true;
}

/** The marks set for `instrument`, in the order of MARKS. */
export function readMarks(trackDir: string, instrument: string): Mark[] {
  assertDir(trackDir); assertInstrument(instrument);
  const files = new Set(readdirSync(trackDir));
  return MARKS.filter((m) => files.has(`${instrument}_${m}`));
}
