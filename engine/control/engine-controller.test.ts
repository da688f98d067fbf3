import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StemstreamError } from '../errors.js';
import { repoPath } from '../paths.js';
import type { EngineState } from './control-target.js';
import { EngineController, type EngineSettings } from './engine-controller.js';
import { FakeEngine } from './fake-engine.js';
import { PresetStore } from './preset-store.js';

const SMALL = repoPath('engine', 'model', 'fixtures', 'small');
const TINY = repoPath('engine', 'model', 'fixtures', 'tiny');

async function setup(failModel?: string) {
  const started: FakeEngine[] = [];
  const factory = async (s: EngineSettings) => {
    if (s.model === failModel) throw new StemstreamError('SS_ERR_BAD_MODEL', 'broken model');
    const e = new FakeEngine(s);
    started.push(e);
    return e;
  };
  const presets = new PresetStore({ userDir: mkdtempSync(join(tmpdir(), 'ss-ctl-')) });
  const c = await EngineController.start(factory, { model: SMALL, latencyMs: 150, inputDevice: 'demo', outputDevice: 'null' }, { presets, models: () => [] });
  return { c, started };
}

test('mixer actions reach the engine and every subscriber', async () => {
  const { c, started } = await setup();
  const seen: EngineState[] = [];
  c.subscribe((s) => seen.push(s));
  await c.apply({ type: 'stem.gain', stem: 'rest', gainDb: -12 });
  await c.apply({ type: 'stem.mute', stem: 'instrument', mute: 'toggle' });
  await c.apply({ type: 'stem.mute', stem: 'instrument', mute: 'toggle' });
  await c.apply({ type: 'stem.solo', stem: 'rest', solo: true });
  await c.apply({ type: 'master.gain', gainDb: 99 });
  const last = started[0].mixerCalls.at(-1);
  assert.equal(last?.stems.rest.gainDb, -12);
  assert.equal(last?.stems.instrument.mute, false);
  assert.equal(last?.stems.rest.solo, true);
  assert.equal(last?.masterGainDb, 24, 'clamped to MAX_GAIN_DB');
  assert.equal(seen.length, 5);
  assert.equal(c.state().instrument, 'guitar');
});

test('a latency change restarts the engine and keeps the mixer', async () => {
  const { c, started } = await setup();
  await c.apply({ type: 'stem.gain', stem: 'instrument', gainDb: -9 });
  await c.apply({ type: 'latency.set', latencyMs: 300 });
  assert.equal(started.length, 2);
  assert.ok(started[0].stopped);
  assert.equal(started[1].settings.latencyMs, 300);
  assert.equal(started[1].mixerCalls.at(-1)?.stems.instrument.gainDb, -9);
  assert.equal(c.state().latencyMs, 300);
});

test('an unknown model is refused before anything stops; a failing one falls back', async () => {
  const { c, started } = await setup(TINY);
  await assert.rejects(c.apply({ type: 'model.select', name: 'no-such-model' }), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_UNKNOWN_MODEL');
  assert.equal(started.length, 1);
  await assert.rejects(c.apply({ type: 'model.select', name: TINY }), /broken model/);
  assert.equal(started.length, 2, 'restarted with the previous settings');
  assert.equal(c.state().model, SMALL);
  assert.equal(c.status().running, true);
  assert.match(c.status().message ?? '', /broken model/);
});

test('presets load the mixer; step cycles; missing models are reported after the mixer is applied', async () => {
  const { c, started } = await setup();
  await c.apply({ type: 'preset.load', name: 'play-along' });
  assert.equal(started.at(-1)?.mixerCalls.at(-1)?.stems.instrument.gainDb, -6);
  assert.equal(c.state().preset, 'play-along');
  // A preset naming a model that is not installed: its mixer still applies, then the error.
  const practice = c.presets.load('guitar-practice');
  c.presets.save({ ...practice, name: 'needs-missing-model', model: 'no-such-model' });
  await assert.rejects(c.apply({ type: 'preset.load', name: 'needs-missing-model' }), (e: unknown) => e instanceof StemstreamError && e.code === 'SS_ERR_UNKNOWN_MODEL');
  assert.equal(c.state().mixer.stems.instrument.mute, true, 'mixer part applied');
  const names = c.presets.list().map((p) => p.name);
  await c.apply({ type: 'preset.load', name: 'full-mix' });
  await c.apply({ type: 'preset.step', delta: 1 }).catch(() => {});
  assert.equal(c.state().preset, names[(names.indexOf('full-mix') + 1) % names.length]);
});

test('transport actions drive the engine; a bad loop is refused', async () => {
  const { c, started } = await setup();
  await c.apply({ type: 'transport.play', playing: 'toggle' });
  assert.equal(started[0].transport().playing, false);
  await c.apply({ type: 'transport.seek', seconds: 999 });
  assert.equal(c.state().transport.positionS, 30, 'clamped to the duration');
  await c.apply({ type: 'transport.loop', on: true, startS: 2, endS: 4 });
  assert.deepEqual(c.state().transport.loop, { on: true, startS: 2, endS: 4 });
  await assert.rejects(c.apply({ type: 'transport.loop', on: true, startS: 5, endS: 4 }), /after its start/);
});
