import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMidiBinding, tryLoadMidiBinding } from './midi-binding.js';
import { MidiPorts } from './midi-ports.js';

test('STEMSTREAM_MIDI_BINDING pointing nowhere fails to load, with the path in the message', () => {
  assert.throws(() => loadMidiBinding('/nonexistent/midi.node'), /MIDI binding not found: \/nonexistent\/midi\.node/);
  const r = tryLoadMidiBinding('/nonexistent/midi.node');
  assert.equal(r.binding, null);
  assert.match(r.error ?? '', /cannot load the MIDI binding/);
});

test('a module that is not a MIDI binding is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-midi-'));
  const file = join(dir, 'not-midi.cjs');
  writeFileSync(file, 'module.exports = { hello: 1 };');
  assert.throws(() => loadMidiBinding(file), /not a MIDI binding/);
});

test('the shipped binding loads; without an ALSA sequencer it reports why instead of crashing', () => {
  const b = loadMidiBinding('');
  assert.equal(b.source, '@julusian/midi');
  const p = new MidiPorts(b, { inputs: ['*'], outputs: [], pollMs: 0 });
  const st = p.start();
  if (process.platform === 'linux' && !existsSync('/dev/snd/seq')) {
    assert.equal(st.available, false);
    assert.match(st.reason ?? '', /no ALSA sequencer/);
  } else {
    // a machine with a MIDI system: it opens, or says why not
    assert.ok(st.available || (st.reason ?? '').length > 0);
  }
  p.close();
});
