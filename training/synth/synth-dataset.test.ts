import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readAudioFile } from '../dataset/audio-io.js';
import { TRAIN_FAMILIES } from './presets.js';
import { timidityAvailable } from './render-timidity.js';
import { isTrackComplete, synthDataset, tracksDir } from './synth-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'ss-synth-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Short songs (6–9 s) keep this test to seconds; the code path is the real one.
const base = { instrument: 'guitar' as const, split: 'train' as const, seed: 42, hours: 12 / 3600, sampleRate: 22050, songSeconds: [6, 9] as [number, number] };

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const track of readdirSync(dir).sort()) for (const f of readdirSync(join(dir, track)).sort()) out.set(`${track}/${f}`, readFileSync(join(dir, track, f)));
  return out;
}

test('same seed gives identical bytes, inline or with 2 workers; reruns resume', async () => {
  const a = join(root, 'a');
  const b = join(root, 'b');
  const sa = await synthDataset({ ...base, outDir: a, workers: 0 });
  assert.ok(sa.tracks.length >= 2, 'at least two songs');
  assert.equal(sa.rendered, sa.tracks.length);
  assert.match(sa.tracks[1], /^synth-guitar-train-s42-000001$/);
  await synthDataset({ ...base, outDir: b, workers: 2 });
  const fa = filesOf(tracksDir(a, 22050));
  const fb = filesOf(tracksDir(b, 22050));
  assert.deepEqual([...fa.keys()], [...fb.keys()]);
  for (const [k, v] of fa) assert.ok(v.equals(fb.get(k) as Buffer), `${k} identical`);
  const again = await synthDataset({ ...base, outDir: a, workers: 0 });
  assert.equal(again.rendered, 0);
  assert.equal(again.skipped, sa.tracks.length);
});

test('written stems are stereo float32 at the rate, non-silent, unclipped, and song.json records the split', async () => {
  const dir = tracksDir(join(root, 'a'), 22050);
  const track = readdirSync(dir).sort()[0];
  const inst = await readAudioFile(join(dir, track, `instrument_${track}.wav`));
  const rest = await readAudioFile(join(dir, track, `rest_${track}.wav`));
  assert.equal(inst.sampleRate, 22050);
  assert.equal(inst.channels.length, 2);
  assert.equal(inst.channels[0].length, rest.channels[0].length);
  let peak = 0;
  let energyI = 0;
  let energyR = 0;
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < inst.channels[c].length; i++) {
      peak = Math.max(peak, Math.abs(inst.channels[c][i] + rest.channels[c][i]));
      energyI += inst.channels[c][i] ** 2;
      energyR += rest.channels[c][i] ** 2;
    }
  }
  assert.ok(peak > 0.05 && peak <= 1, `mix peak ${peak}`);
  assert.ok(energyI > 0 && energyR > 0, 'both stems carry sound');
  const meta = JSON.parse(readFileSync(join(dir, track, 'song.json'), 'utf8'));
  assert.equal(meta.split, 'train');
  for (const f of [...meta.families.target, ...meta.families.rest]) assert.ok(TRAIN_FAMILIES.includes(f), f);
});

test('val guitar renders the target from freepats through timidity', { skip: !timidityAvailable() && 'timidity/freepats not installed' }, async () => {
  const out = join(root, 'val');
  await synthDataset({ ...base, hours: 5 / 3600, split: 'val', seed: 101, outDir: out, workers: 0 });
  const dir = tracksDir(out, 22050);
  const track = readdirSync(dir)[0];
  const meta = JSON.parse(readFileSync(join(dir, track, 'song.json'), 'utf8'));
  assert.deepEqual(meta.families.target, ['freepats']);
  const inst = await readAudioFile(join(dir, track, `instrument_${track}.wav`));
  assert.ok(inst.channels[0].some((x) => Math.abs(x) > 1e-3), 'freepats guitar audible');
});

test('bad options are StemstreamErrors', async () => {
  await assert.rejects(synthDataset({ ...base, hours: 0, outDir: join(root, 'x'), workers: 0 }), { code: 'SS_ERR_BAD_OPTION' });
  await assert.rejects(synthDataset({ ...base, sampleRate: 100, outDir: join(root, 'x'), workers: 0 }), { code: 'SS_ERR_BAD_OPTION' });
  await assert.rejects(synthDataset({ ...base, split: 'val', families: ['timgm6mb'], outDir: join(root, 'x'), workers: 0 }), /--families applies to --split train only/);
  await assert.rejects(synthDataset({ ...base, families: ['timgm6mb', 'musescore'], outDir: join(root, 'x'), workers: 0 }), /got musescore/);
});

test('--families: the songs are voiced from those families alone', async () => {
  const out = join(root, 'families');
  const s = await synthDataset({ ...base, hours: 20 / 3600, families: ['timgm6mb', 'waveguide'], outDir: out, workers: 0 });
  assert.ok(s.rendered >= 2);
  for (const track of s.tracks) {
    const meta = JSON.parse(readFileSync(join(tracksDir(out, 22050), track, 'song.json'), 'utf8')) as { families: { target: string[]; rest: string[] } };
    for (const f of [...meta.families.target, ...meta.families.rest]) assert.ok(f === 'timgm6mb' || f === 'waveguide', `${track}: ${f}`);
  }
});

test('a track that fails stops every worker: the error comes back and no further songs are rendered', async () => {
  const out = join(root, 'fail');
  const dir = tracksDir(out, 22050);
  mkdirSync(dir, { recursive: true });
  // A file where track 1's folder should go makes that track fail in its worker.
  writeFileSync(join(dir, 'synth-guitar-train-s42-000001'), 'not a folder');
  const opts = { ...base, hours: 90 / 3600, outDir: out, workers: 2 };
  await assert.rejects(synthDataset(opts), /synth-guitar-train-s42-000001/);
  const doneAtFailure = readdirSync(dir).filter((t) => isTrackComplete(dir, t)).length;
  // The other worker was stopped: nothing is still rendering a second later.
  await new Promise((r) => setTimeout(r, 1500));
  const total = readdirSync(dir).length - 1;
  assert.equal(readdirSync(dir).filter((t) => isTrackComplete(dir, t)).length, doneAtFailure);
  assert.ok(total <= 3, `${total} track folders after the failure`);
});
