import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyKey, excerpts, keyAction, playCommand } from './listen.js';
import { clearMark, hasMark, MARKS, readMarks, setMark, toggleMark } from './marks.js';
import { ensureDir, tempDir } from './test-helpers.js';

test('marks are empty files named <instrument>_<mark>', () => {
  const dir = ensureDir(join(tempDir('marks'), 'track'));
  setMark(dir, 'guitar', 'bleed');
  setMark(dir, 'guitar', 'checked');
  setMark(dir, 'piano', 'missing');
  assert.ok(existsSync(join(dir, 'guitar_bleed')));
  assert.equal(readFileSync(join(dir, 'guitar_bleed')).length, 0);
  assert.deepEqual(readMarks(dir, 'guitar'), ['bleed', 'checked']);
  assert.deepEqual(readMarks(dir, 'piano'), ['missing']);
  clearMark(dir, 'guitar', 'bleed');
  assert.ok(!hasMark(dir, 'guitar', 'bleed'));
  assert.equal(toggleMark(dir, 'guitar', 'inaudible'), true);
  assert.equal(toggleMark(dir, 'guitar', 'inaudible'), false);
  assert.deepEqual(readdirSync(dir).sort(), ['guitar_checked', 'piano_missing']);
  assert.equal(MARKS.length, 7);
});

test('bad marks, instruments and directories are rejected with codes', () => {
  const dir = ensureDir(join(tempDir('marks'), 'track'));
  assert.throws(() => setMark(dir, 'guitar', 'great' as never), { code: 'SS_ERR_BAD_OPTION', message: /unknown mark 'great'/ });
  assert.throws(() => setMark(dir, '../evil', 'bleed'), { code: 'SS_ERR_BAD_OPTION' });
  assert.throws(() => readMarks(join(dir, 'nope'), 'guitar'), { code: 'SS_ERR_FILE_NOT_FOUND' });
});

test('listening keys toggle marks and navigate, without audio', () => {
  const dir = ensureDir(join(tempDir('listen'), 'song'));
  assert.deepEqual(keyAction('b'), { kind: 'toggle', mark: 'bleed' });
  assert.deepEqual(keyAction('n'), { kind: 'next' });
  assert.deepEqual(keyAction(' '), { kind: 'replay' });
  assert.deepEqual(keyAction('x'), { kind: 'quit' });
  assert.deepEqual(keyAction('z'), { kind: 'unknown', key: 'z' });
  assert.deepEqual(applyKey(dir, 'guitar', 'q').marks, ['bad_quality']);
  assert.deepEqual(applyKey(dir, 'guitar', 'c').marks, ['bad_quality', 'checked']);
  assert.deepEqual(applyKey(dir, 'guitar', 'q').marks, ['checked']);
  assert.deepEqual(applyKey(dir, 'guitar', 'n').marks, ['checked']);
});

test('excerpts spread N splits over each stem and build play commands', () => {
  const list = excerpts('/d/t1', 100, 5, 4);
  assert.equal(list.length, 10);
  assert.deepEqual(list.slice(0, 5).map((e) => e.startSec), [8, 28, 48, 68, 88]);
  assert.equal(list[5].stem, 'rest');
  assert.deepEqual(playCommand(list[0]), ['play', '-q', '/d/t1/instrument_t1.wav', 'trim', '8.00', '4.00']);
  assert.ok(excerpts('/d/t1', 2, 3, 4).every((e) => e.startSec === 0 && e.seconds === 2), 'short tracks clamp');
  assert.throws(() => excerpts('/d/t1', 10, 0, 4), { code: 'SS_ERR_BAD_OPTION' });
});
