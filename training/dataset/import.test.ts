import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAudioFile, writeWavFile, type AudioData } from './audio-io.js';
import { groupOf, groupStems, DEFAULT_MAPPING, loadMapping } from './grouping.js';
import { importMedleyDb } from './import-medleydb.js';
import { importSlakh, slakhLabel } from './import-slakh.js';
import { ensureDir, tempDir, tone } from './test-helpers.js';

const SR = 8000;

function fakeMedley(root: string, track: string, stems: Record<string, [string, AudioData | null]>, extraYaml = ''): void {
  const dir = ensureDir(join(root, track));
  const stemsDir = ensureDir(join(dir, `${track}_STEMS`));
  let yaml = `artist: Test\nmix_filename: ${track}_MIX.wav\nstems:\n`;
  for (const [id, [instrument, audio]] of Object.entries(stems)) {
    const filename = `${track}_STEM_${id.slice(1)}.wav`;
    yaml += `  ${id}:\n    component: ''\n    filename: ${filename}\n    instrument: ${instrument}\n`;
    if (audio) writeWavFile(join(stemsDir, filename), audio, 16);
  }
  writeFileSync(join(dir, `${track}_METADATA.yaml`), yaml + extraYaml);
}

test('grouping maps labels, honours mix/excluded, and reads mapping files', () => {
  assert.equal(groupOf('Distorted Electric Guitar', DEFAULT_MAPPING), 'distorted_guitar');
  assert.equal(groupOf('theremin', DEFAULT_MAPPING), 'other');
  const g = groupStems([{ label: 'clean electric guitar', path: 'a' }, { label: 'distorted electric guitar', path: 'b' }, { label: 'piano', path: 'c' }, { label: 'mix', path: 'd' }], 'guitar', DEFAULT_MAPPING);
  assert.deepEqual([g.target.map((s) => s.path), g.rest.map((s) => s.path), g.unused.map((s) => s.path)], [['a', 'b'], ['c'], ['d']]);
  const dir = tempDir('mapping');
  writeFileSync(join(dir, 'map.yaml'), 'theremin: excluded\nPiano: other\n');
  const m = loadMapping(join(dir, 'map.yaml'));
  assert.equal(groupOf('theremin', m), 'excluded');
  assert.equal(groupOf('piano', m), 'other');
  writeFileSync(join(dir, 'bad.yaml'), 'theremin: spooky\n');
  assert.throws(() => loadMapping(join(dir, 'bad.yaml')), { code: 'SS_ERR_BAD_OPTION', message: /spooky/ });
  assert.throws(() => groupStems([], 'kazoo', DEFAULT_MAPPING), { code: 'SS_ERR_BAD_OPTION' });
});

test('MedleyDB: target stems summed into instrument, others into rest; bad tracks reported, not fatal', async () => {
  const root = tempDir('medley');
  const out = tempDir('medley-out');
  const g1 = tone(0.5, SR, 440, 0.25);
  const g2 = tone(0.5, SR, 660, 0.25);
  const bass = tone(0.5, SR, 110, 0.25);
  fakeMedley(root, 'Good_Song', { S01: ['clean electric guitar', g1], S02: ['distorted electric guitar', g2], S03: ['electric bass', bass] });
  fakeMedley(root, 'Missing_Stem', { S01: ['acoustic guitar', g1], S02: ['drum set', null] });
  fakeMedley(root, 'Other_Rate', { S01: ['acoustic guitar', g1], S02: ['piano', tone(0.5, 16000, 220, 0.2)] });
  fakeMedley(root, 'Other_Length', { S01: ['acoustic guitar', g1], S02: ['piano', tone(0.6, SR, 220, 0.2)] });
  fakeMedley(root, 'No_Guitar', { S01: ['piano', g1] });
  fakeMedley(root, 'Unreadable', { S01: ['acoustic guitar', null] });
  writeFileSync(join(root, 'Unreadable', 'Unreadable_STEMS', 'Unreadable_STEM_01.wav'), 'RIFF this is not audio at all');
  const r = await importMedleyDb({ root, outDir: out, instrument: 'guitar' });
  assert.deepEqual(r.imported, ['Good_Song']);
  const reasons = Object.fromEntries(r.failed.map((f) => [f.track, f]));
  assert.equal(reasons.Missing_Stem.code, 'SS_ERR_FILE_NOT_FOUND');
  assert.match(reasons.Missing_Stem.reason, /drum set/);
  assert.equal(reasons.Other_Rate.code, 'SS_ERR_BAD_DATASET');
  assert.match(reasons.Other_Rate.reason, /16000 Hz differs from 8000 Hz/);
  assert.equal(reasons.Other_Length.code, 'SS_ERR_BAD_DATASET');
  assert.match(reasons.Other_Length.reason, /same length/);
  assert.equal(reasons.No_Guitar.code, 'SS_ERR_BAD_DATASET');
  assert.equal(reasons.Unreadable.code, 'SS_ERR_UNREADABLE_AUDIO');
  const inst = await readAudioFile(join(out, 'tracks_8000hz', 'Good_Song', 'instrument_Good_Song.wav'));
  const rest = await readAudioFile(join(out, 'tracks_8000hz', 'Good_Song', 'rest_Good_Song.wav'));
  for (const i of [1, 100, 3999]) {
    // 16-bit sources: compare with the quantised sum.
    const q = (x: number): number => Math.round(x * 32767) / 32768;
    assert.ok(Math.abs(inst.channels[0][i] - (q(g1.channels[0][i]) + q(g2.channels[0][i]))) < 1e-4);
    assert.ok(Math.abs(rest.channels[1][i] - q(bass.channels[1][i])) < 1e-4);
  }
  await assert.rejects(importMedleyDb({ root: join(root, 'nope'), outDir: out, instrument: 'guitar' }), { code: 'SS_ERR_FILE_NOT_FOUND' });
});

test('Slakh: metadata.yaml + stems/Sxx.flac, unrendered stems skipped, drums and distortion labelled', async () => {
  assert.equal(slakhLabel({ inst_class: 'Guitar', program_num: 30 }), 'distorted electric guitar');
  assert.equal(slakhLabel({ inst_class: 'Drums', is_drum: true }), 'drums');
  const root = tempDir('slakh');
  const out = tempDir('slakh-out');
  const t = ensureDir(join(root, 'Track00001'));
  const stems = ensureDir(join(t, 'stems'));
  writeFileSync(join(t, 'metadata.yaml'), [
    'UUID: abc', 'stems:',
    '  S00: {inst_class: Piano, program_num: 0, is_drum: false, audio_rendered: true}',
    '  S01: {inst_class: Guitar, program_num: 29, is_drum: false, audio_rendered: true}',
    '  S02: {inst_class: Drums, program_num: 0, is_drum: true, audio_rendered: true}',
    '  S03: {inst_class: Strings, program_num: 48, is_drum: false, audio_rendered: false}', ''].join('\n'));
  const haveSox = spawnSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' }).status === 0;
  const mk = (id: string, freq: number): void => {
    const wav = join(stems, `${id}.wav`);
    writeWavFile(wav, tone(0.25, SR, freq, 0.3), 16);
    // Real Slakh stems are FLAC: convert when sox is there (the reader decodes FLAC).
    if (haveSox) {
      const res = spawnSync('sox', [wav, join(stems, `${id}.flac`)]);
      assert.equal(res.status, 0);
      spawnSync('rm', [wav]);
    }
  };
  mk('S00', 262);
  mk('S01', 196);
  mk('S02', 80);
  const r = await importSlakh({ root, outDir: out, instrument: 'piano' });
  assert.deepEqual(r.failed, []);
  assert.deepEqual(r.imported, ['Track00001']);
  const inst = await readAudioFile(join(out, 'tracks_8000hz', 'Track00001', 'instrument_Track00001.wav'));
  const rest = await readAudioFile(join(out, 'tracks_8000hz', 'Track00001', 'rest_Track00001.wav'));
  assert.equal(inst.channels[0].length, 2000);
  const ref = tone(0.25, SR, 262, 0.3).channels[0];
  assert.ok(Math.abs(inst.channels[0][123] - ref[123]) < 1e-3, 'instrument is the piano stem');
  const expectRest = tone(0.25, SR, 196, 0.3).channels[0][77] + tone(0.25, SR, 80, 0.3).channels[0][77];
  assert.ok(Math.abs(rest.channels[0][77] - expectRest) < 2e-3, 'rest = guitar + drums, strings skipped');
  const g = await importSlakh({ root, outDir: tempDir('slakh-out2'), instrument: 'guitar' });
  assert.deepEqual(g.imported, ['Track00001']);
});
