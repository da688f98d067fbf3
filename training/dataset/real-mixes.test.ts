import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAudioFile, writeWavFile, type AudioData } from './audio-io.js';
import { BACKING_LOOPS, buildRealMixes, GUITAR_PHRASES, PIANO_PHRASES, REAL_MIX_LEVELS_DB, type RealMixTrack } from './real-mixes.js';
import { tempDir } from './test-helpers.js';

const SR = 8000;
const haveSox = spawnSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' }).status === 0;

/** A decaying tone plus a little deterministic noise, `channels` 1 or 2 (the right one an octave up). */
function phrase(seconds: number, channels: number, freq: number): AudioData {
  const n = Math.round(seconds * SR);
  let x = 12345;
  const noise = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  const chs = Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: n }, (_, i) => 0.4 * Math.exp((-2 * i) / n) * Math.sin((2 * Math.PI * freq * (c + 1) * i) / SR) + noise()),
  );
  return { sampleRate: SR, channels: chs };
}

/**
 * A folder of small stand-ins named like the sonic-pi samples: the guitar phrases (two mono, as
 * the real ones), the piano chord and the loops. Some are FLAC when sox can write them.
 */
function fakeSamples(): string {
  const dir = tempDir('real-samples');
  const specs: [string, number, number][] = [
    ['guit_em9', 1.0, 2], ['guit_e_fifths', 0.6, 2], ['guit_e_slide', 0.5, 1], ['guit_harmonics', 0.4, 1], ['ambi_piano', 0.3, 2],
    ...BACKING_LOOPS.map((name, k): [string, number, number] => [name, 0.2 + 0.05 * k, 2]),
  ];
  specs.forEach(([name, seconds, channels], k) => {
    const wav = join(dir, `${name}.wav`);
    writeWavFile(wav, phrase(seconds, channels, 110 + 37 * k), 16);
    if (haveSox && k % 2 === 0) {
      assert.equal(spawnSync('sox', [wav, join(dir, `${name}.flac`)]).status, 0);
      rmSync(wav);
    }
  });
  return dir;
}

const samplesDir = fakeSamples();
const small = { samplesDir, minSeconds: 2, maxSeconds: 3 };

function wavFormat(path: string): { format: number; bits: number; channels: number } {
  const b = readFileSync(path);
  return { format: b.readUInt16LE(20), channels: b.readUInt16LE(22), bits: b.readUInt16LE(34) };
}

async function sample(name: string): Promise<AudioData> {
  const f = existsSync(join(samplesDir, `${name}.flac`)) ? `${name}.flac` : `${name}.wav`;
  return readAudioFile(join(samplesDir, f));
}

/** Checks `stem` holds exactly the layer's placements where only that layer sounds (no fades). */
async function checkLayer(stem: AudioData, track: RealMixTrack, role: string): Promise<void> {
  const layer = track.layers.find((l) => l.role === role)!;
  const src = await sample(layer.sample);
  for (const p of layer.placements) {
    const at = Math.round(p.atSec * SR);
    const from = Math.round(p.sourceOffsetSec * SR);
    const len = Math.round((p.lengthSec - p.fadeOutSec) * SR);
    const g = 10 ** (p.gainDb / 20);
    const theta = p.pan === null ? 0 : ((p.pan + 1) * Math.PI) / 4;
    const gains = p.pan === null ? [g, g] : [g * Math.cos(theta), g * Math.sin(theta)];
    for (let c = 0; c < 2; c++) {
      const s = src.channels[Math.min(c, src.channels.length - 1)];
      for (let j = 0; j < len; j += 7) assert.ok(Math.abs(stem.channels[c][at + j] - gains[c] * s[from + j]) < 2e-4, `${track.track} ${role} ${layer.sample} ch${c} frame ${at + j}`);
    }
  }
}

test('guitar: layout, lengths, float32 stereo, instrument + rest = mix, levels and provenance', async () => {
  const out = tempDir('real-out');
  const r = await buildRealMixes({ ...small, instrument: 'guitar', outDir: out, seed: 3, tracks: 6 });
  assert.equal(r.tracksDir, join(out, 'tracks_8000hz'));
  assert.equal(r.tracks.length, 6);
  assert.deepEqual(readdirSync(r.tracksDir).sort(), r.tracks.map((t) => t.track).sort());
  assert.deepEqual(r.tracks.map((t) => t.levelDb), [...REAL_MIX_LEVELS_DB, ...REAL_MIX_LEVELS_DB]);
  for (const [i, t] of r.tracks.entries()) {
    assert.match(t.track, /^real-guitar-s3-0\d-[a-z0-9_]+-[a-z0-9_]+-(m6db|0db|p3db)$/);
    const dir = join(r.tracksDir, t.track);
    assert.deepEqual(readdirSync(dir).sort(), [`instrument_${t.track}.wav`, `mix_${t.track}.wav`, 'real-mix.json', `rest_${t.track}.wav`].sort());
    for (const stem of ['instrument', 'rest', 'mix']) assert.deepEqual(wavFormat(join(dir, `${stem}_${t.track}.wav`)), { format: 3, bits: 32, channels: 2 });
    const inst = await readAudioFile(join(dir, `instrument_${t.track}.wav`));
    const rest = await readAudioFile(join(dir, `rest_${t.track}.wav`));
    const mix = await readAudioFile(join(dir, `mix_${t.track}.wav`));
    assert.equal(inst.sampleRate, SR);
    assert.ok(t.nbSamples >= 2 * SR && t.nbSamples <= 3 * SR, `${t.track}: ${t.nbSamples} samples`);
    let peak = 0;
    for (const a of [inst, rest, mix]) for (const ch of a.channels) assert.equal(ch.length, t.nbSamples);
    for (let c = 0; c < 2; c++) {
      for (let k = 0; k < t.nbSamples; k++) {
        assert.equal(mix.channels[c][k], Math.fround(inst.channels[c][k] + rest.channels[c][k]));
        peak = Math.max(peak, Math.abs(mix.channels[c][k]));
      }
    }
    assert.ok(Math.abs(20 * Math.log10(peak) - -1) < 1e-3, `mix peak ${peak}`);
    assert.ok(Math.abs(t.measuredLevelDb - t.levelDb) < 0.01, `${t.track}: level ${t.measuredLevelDb} dB, asked ${t.levelDb}`);
    // The json says what was done: instrument = the phrase's placements, rest = loop (+ piano chord).
    const meta = JSON.parse(readFileSync(join(dir, 'real-mix.json'), 'utf8')) as RealMixTrack & { license: string };
    assert.equal(meta.license, 'CC0-1.0');
    assert.equal(meta.track, t.track);
    assert.equal(meta.layers[0].sample, GUITAR_PHRASES[i % 4]);
    assert.deepEqual(meta.layers.map((l) => l.stem), meta.layers.length === 3 ? ['instrument', 'rest', 'rest'] : ['instrument', 'rest']);
    assert.ok(meta.layers.every((l) => l.license === 'CC0-1.0' && /^[0-9a-f]{64}$/.test(l.sha256)));
    assert.ok((BACKING_LOOPS as readonly string[]).includes(meta.layers[1].sample));
    if (meta.layers.length === 3) assert.equal(meta.layers[2].sample, 'ambi_piano');
    await checkLayer(inst, meta, 'instrument');
    if (meta.layers.length === 2) await checkLayer(rest, meta, 'backing');
    // The loop covers the whole track end to end.
    const loop = meta.layers[1].placements;
    assert.equal(loop[0].atSec, 0);
    assert.ok(Math.abs(loop.reduce((s, p) => s + p.lengthSec, 0) - t.durationSec) < 1e-5);
  }
  const set = JSON.parse(readFileSync(join(out, 'real-mixes.json'), 'utf8'));
  assert.equal(set.instrument, 'guitar');
  assert.equal(set.seed, 3);
  assert.equal(set.tracks.length, 6);
  assert.equal(set.samples.length, GUITAR_PHRASES.length + PIANO_PHRASES.length + BACKING_LOOPS.length);
});

test('deterministic for a seed; another seed gives other tracks and replaces the old ones', async () => {
  const a = tempDir('real-a');
  const b = tempDir('real-b');
  const ra = await buildRealMixes({ ...small, instrument: 'guitar', outDir: a, seed: 5, tracks: 4 });
  const rb = await buildRealMixes({ ...small, instrument: 'guitar', outDir: b, seed: 5, tracks: 4 });
  assert.deepEqual(ra.tracks, rb.tracks);
  for (const t of ra.tracks) {
    for (const f of [`instrument_${t.track}.wav`, `rest_${t.track}.wav`, 'real-mix.json']) {
      assert.ok(readFileSync(join(ra.tracksDir, t.track, f)).equals(readFileSync(join(rb.tracksDir, t.track, f))), `${t.track}/${f} differs`);
    }
  }
  const rc = await buildRealMixes({ ...small, instrument: 'guitar', outDir: a, seed: 6, tracks: 3 });
  assert.notDeepEqual(rc.tracks.map((t) => t.layers), ra.tracks.slice(0, 3).map((t) => t.layers));
  assert.deepEqual(rc.removed, ra.tracks.map((t) => t.track).sort());
  assert.deepEqual(readdirSync(rc.tracksDir).sort(), rc.tracks.map((t) => t.track).sort());
});

test('piano: the chord over loops with a guitar phrase in the rest', async () => {
  const out = tempDir('real-piano');
  const r = await buildRealMixes({ ...small, instrument: 'piano', outDir: out, seed: 1, tracks: 4 });
  assert.equal(r.tracks.length, 4);
  for (const t of r.tracks) {
    assert.match(t.track, /^real-piano-s1-/);
    assert.deepEqual(t.layers.map((l) => l.role), ['instrument', 'backing', 'accompaniment']);
    assert.equal(t.layers[0].sample, 'ambi_piano');
    assert.ok(t.layers[0].placements.length >= 2, 'the chord is placed several times');
    assert.ok((GUITAR_PHRASES as readonly string[]).includes(t.layers[2].sample));
    assert.ok(Math.abs(t.measuredLevelDb - t.levelDb) < 0.01);
    const inst = await readAudioFile(join(r.tracksDir, t.track, `instrument_${t.track}.wav`));
    await checkLayer(inst, t, 'instrument');
  }
  assert.equal(new Set(r.tracks.map((t) => t.layers[1].sample)).size, 4, 'different loops');
});

test('errors: missing folder, missing samples, mixed rates, bad options', async () => {
  const out = tempDir('real-err');
  await assert.rejects(buildRealMixes({ ...small, samplesDir: join(samplesDir, 'nope'), instrument: 'guitar', outDir: out }), { code: 'SS_ERR_FILE_NOT_FOUND', message: /sonic-pi-samples/ });
  const partial = tempDir('real-partial');
  for (const name of ['guit_em9', 'loop_amen']) writeWavFile(join(partial, `${name}.wav`), phrase(0.3, 2, 220), 16);
  await assert.rejects(buildRealMixes({ ...small, samplesDir: partial, instrument: 'guitar', outDir: out }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'SS_ERR_FILE_NOT_FOUND');
    assert.match(e.message, /missing guit_e_fifths, guit_e_slide, guit_harmonics, ambi_piano, loop_amen_full, loop_breakbeat/);
    assert.doesNotMatch(e.message, /missing[^(]*guit_em9/);
    return true;
  });
  const mixedRates = tempDir('real-rates');
  for (const name of [...GUITAR_PHRASES, ...PIANO_PHRASES, ...BACKING_LOOPS]) writeWavFile(join(mixedRates, `${name}.wav`), phrase(0.3, 2, 220), 16);
  writeWavFile(join(mixedRates, 'loop_tabla.wav'), { ...phrase(0.3, 2, 220), sampleRate: 16000 }, 16);
  await assert.rejects(buildRealMixes({ ...small, samplesDir: mixedRates, instrument: 'piano', outDir: out }), { code: 'SS_ERR_BAD_DATASET', message: /loop_tabla\.wav: 16000 Hz/ });
  await assert.rejects(buildRealMixes({ ...small, instrument: 'kazoo' as 'guitar', outDir: out }), { code: 'SS_ERR_BAD_OPTION' });
  await assert.rejects(buildRealMixes({ ...small, instrument: 'guitar', outDir: out, tracks: 0 }), { code: 'SS_ERR_BAD_OPTION' });
  await assert.rejects(buildRealMixes({ ...small, instrument: 'guitar', outDir: out, minSeconds: 5, maxSeconds: 2 }), { code: 'SS_ERR_BAD_OPTION' });
  assert.ok(!existsSync(join(out, 'tracks_8000hz')), 'nothing written on errors');
});
