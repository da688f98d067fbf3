import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { composeSong } from './compose.js';
import { midiSong, programRole } from './midi-import.js';
import { partToSmf } from './smf-writer.js';

test('GM programs map to roles', () => {
  assert.equal(programRole(0), 'piano');
  assert.equal(programRole(25), 'guitar-acoustic');
  assert.equal(programRole(30), 'guitar-drive');
  assert.equal(programRole(33), 'bass');
  assert.equal(programRole(53), 'voice');
  assert.equal(programRole(90), 'pad');
});

test('a MIDI file round-trips through the SMF writer and is re-voiced as a song', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-midi-'));
  const song = composeSong({ seed: 1, index: 2, target: 'piano' });
  const part = song.parts.find((p) => !p.isDrums && !p.isTarget) ?? song.parts[0];
  const file = join(dir, 'organ.mid');
  writeFileSync(file, partToSmf(part, 0, 19));
  const s = midiSong(file, 5, 0, 'piano');
  assert.equal(s.source, 'midi:organ.mid');
  assert.equal(s.parts.length, 1);
  const p = s.parts[0];
  // No piano in the file: its only part is recast as the target.
  assert.ok(p.isTarget);
  assert.equal(p.role, 'piano');
  assert.equal(p.notes.length, part.notes.length);
  const a = part.notes.map((n) => n.pitch).sort();
  const b = p.notes.map((n) => n.pitch).sort();
  assert.deepEqual(b, a);
  assert.ok(Math.abs(p.notes[0].time - Math.min(...part.notes.map((n) => n.time))) < 0.002, 'timing preserved to ~1 tick');
  writeFileSync(join(dir, 'bad.mid'), 'not midi');
  assert.throws(() => midiSong(join(dir, 'bad.mid'), 1, 0, 'piano'), { code: 'SS_ERR_BAD_DATASET' });
});
