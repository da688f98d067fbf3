import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { PresetStore } from '../../control/index.js';
import { formatPresetList, registerPresets } from './presets.js';

function program(store: PresetStore): Command {
  const p = new Command('stemstream').exitOverride();
  registerPresets(p, () => store);
  for (const c of p.commands) c.exitOverride();
  return p;
}

test('presets save builds a user preset from flags, then delete removes it', async () => {
  const store = new PresetStore({ userDir: mkdtempSync(join(tmpdir(), 'ss-cli-presets-')) });
  await program(store).parseAsync(['presets', 'save', 'quiet-guitar', '--from', 'play-along', '--instrument-db', '-12', '--mute-rest', '--latency', '200'], { from: 'user' });
  const p = store.load('quiet-guitar');
  assert.equal(p.mixer.stems.instrument.gainDb, -12);
  assert.equal(p.mixer.stems.rest.mute, true);
  assert.equal(p.latencyMs, 200);
  assert.match(formatPresetList(store), /quiet-guitar\s+\[user\]/);
  assert.match(formatPresetList(store), /guitar-practice\s+\[shipped\]/);
  await program(store).parseAsync(['presets', 'delete', 'quiet-guitar'], { from: 'user' });
  assert.ok(!store.list().some((x) => x.name === 'quiet-guitar'));
});

test('bad gains and shipped names are refused', async () => {
  const store = new PresetStore({ userDir: mkdtempSync(join(tmpdir(), 'ss-cli-presets-')) });
  await assert.rejects(program(store).parseAsync(['presets', 'save', 'x', '--rest-db', 'loud'], { from: 'user' }), /--rest-db/);
  await assert.rejects(program(store).parseAsync(['presets', 'save', 'full-mix'], { from: 'user' }), /read-only/);
});
