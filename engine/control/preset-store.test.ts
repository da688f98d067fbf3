import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StemstreamError } from '../errors.js';
import { defaultMixerState } from '../mixer/index.js';
import { presetFromState, presetSchema } from './preset-schema.js';
import { PresetStore } from './preset-store.js';

function store(): PresetStore {
  return new PresetStore({ userDir: join(mkdtempSync(join(tmpdir(), 'ss-presets-')), 'user') });
}

test('every shipped preset validates and is read-only', () => {
  const s = store();
  const shipped = s.list().filter((p) => p.readOnly);
  assert.ok(shipped.length >= 3, 'at least three shipped presets');
  for (const p of shipped) {
    assert.equal(s.load(p.name).name, p.name);
    assert.throws(() => s.delete(p.name), (e: unknown) => e instanceof StemstreamError && /read-only/.test(e.message));
    assert.throws(() => s.save(s.load(p.name)), /read-only/);
  }
  const practice = s.load('guitar-practice');
  assert.equal(practice.mixer.stems.instrument.mute, true);
  assert.equal(s.load('play-along').mixer.stems.instrument.gainDb, -6);
});

test('save, list, rename and delete a user preset', () => {
  const s = store();
  const m = defaultMixerState();
  m.stems.rest.gainDb = -3.5;
  s.save(presetFromState('my mix', { mixer: m, latencyMs: 120 }, { description: 'test' }));
  assert.deepEqual(s.list().find((p) => p.name === 'my mix'), { name: 'my mix', readOnly: false, description: 'test' });
  s.rename('my mix', 'renamed');
  assert.equal(s.load('renamed').mixer.stems.rest.gainDb, -3.5);
  assert.equal(s.load('renamed').latencyMs, 120);
  assert.throws(() => s.load('my mix'), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_FILE_NOT_FOUND');
  s.delete('renamed');
  assert.deepEqual(readdirSync(s.userDir), []);
});

test('names that could escape the folder are refused', () => {
  const s = store();
  for (const bad of ['../x', 'a/b', '.hidden', '', 'x'.repeat(65)]) {
    assert.throws(() => s.load(bad), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_BAD_OPTION', bad);
  }
});

test('a broken user file is left out of the list and named by load', () => {
  const s = store();
  s.save(presetFromState('ok', { mixer: defaultMixerState() }));
  writeFileSync(join(s.userDir, 'broken.json'), '{"format":"stemstream-preset"}');
  assert.ok(!s.list().some((p) => p.name === 'broken'));
  assert.throws(() => s.load('broken'), /broken\.json is invalid/);
});

test('the schema fills defaults and rejects out-of-range gains', () => {
  const p = presetSchema.parse({ format: 'stemstream-preset', format_version: 1, name: 'x', mixer: { stems: { instrument: {}, rest: { mute: true } } } });
  assert.deepEqual(p.midi, { mappings: [] });
  assert.equal(p.mixer.stems.rest.mute, true);
  assert.equal(p.mixer.masterGainDb, 0);
  assert.throws(() => presetSchema.parse({ ...p, mixer: { ...p.mixer, masterGainDb: 100 } }));
});
