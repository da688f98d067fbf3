import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readAudio, writeAudio } from '../../audio-file/index.js';
import { repoPath } from '../../paths.js';
import { outputDirs } from './separate.js';

// The CLI contract external checks rely on, exercised through the real `stemstream` binary.
const bin = repoPath('engine', 'bin', 'stemstream.js');
const model = repoPath('engine', 'model', 'fixtures', 'tiny');
const tmp = mkdtempSync(join(tmpdir(), 'ss-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
}

function tone(rate: number, seconds: number, channels: number): Float32Array[] {
  const n = Math.round(rate * seconds);
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * (220 + 110 * c) * i) / rate) + 0.1 * Math.sin((2 * Math.PI * 1760 * i) / rate);
    return x;
  });
}

const song = join(tmp, 'song.wav');
const other = join(tmp, 'other take.wav');
before(async () => {
  await writeAudio(song, { sampleRate: 44100, channels: tone(44100, 2.5, 2) }, { format: 'wav', bits: 24 });
  await writeAudio(other, { sampleRate: 48000, channels: tone(48000, 1.2, 1) }, { format: 'wav', bits: 16 });
});

test('one input writes <out>/instrument.wav and <out>/rest.wav with the input rate, channels, length and bits', async () => {
  const out = join(tmp, 'one');
  const r = run('separate', song, '--model', model, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['instrument.wav', 'rest.wav']);
  const input = await readAudio(song);
  for (const stem of ['instrument', 'rest']) {
    const s = await readAudio(join(out, `${stem}.wav`));
    assert.equal(s.sampleRate, 44100);
    assert.equal(s.channels.length, 2);
    assert.equal(s.channels[0].length, input.channels[0].length);
    assert.equal(s.info.bitsPerSample, 24);
  }
  // instrument + rest gives back the input (to 24-bit quantisation): better than −60 dB.
  const a = await readAudio(join(out, 'instrument.wav'));
  const b = await readAudio(join(out, 'rest.wav'));
  let e = 0;
  let p = 0;
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < a.channels[c].length; i++) {
      e += (input.channels[c][i] - a.channels[c][i] - b.channels[c][i]) ** 2;
      p += input.channels[c][i] ** 2;
    }
  }
  assert.ok(10 * Math.log10(e / p) < -60);
});

test('several inputs write <out>/<track>/… and --json summarises them; FLAC output with --bits', async () => {
  const out = join(tmp, 'many');
  const r = run('separate', song, other, '--model', model, '--out', out, '--format', 'flac', '--bits', '16', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['other take', 'song']);
  assert.ok(existsSync(join(out, 'song', 'instrument.flac')) && existsSync(join(out, 'other take', 'rest.flac')));
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.outputs.length, 2);
  assert.equal(summary.outputs[1].sample_rate, 48000);
  assert.equal(summary.outputs[1].channels, 1);
  const s = await readAudio(join(out, 'other take', 'instrument.flac'));
  assert.equal(s.info.format, 'flac');
  assert.equal(s.channels[0].length, Math.round(48000 * 1.2));
});

test('--streaming renders the live algorithm with the input length and reports its plan', () => {
  const out = join(tmp, 'streaming');
  const r = run('separate', song, '--model', model, '--out', out, '--streaming', '--latency', '150', '--json');
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.streaming.latency_ms, 150);
  assert.equal(summary.outputs[0].frames, Math.round(44100 * 2.5));
});

test('missing, corrupt and unreadable inputs fail with a clear line and exit 1, the others still run', () => {
  const corrupt = join(tmp, 'corrupt.wav');
  writeFileSync(corrupt, 'RIFF\x10\x00\x00\x00WAVEjunk');
  const text = join(tmp, 'notes.mp3');
  writeFileSync(text, 'these are my notes, not audio');
  const out = join(tmp, 'bad');
  const r = run('separate', join(tmp, 'missing.wav'), corrupt, text, song, '--model', model, '--out', out);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /input not found: .*missing\.wav/);
  assert.match(r.stderr, /corrupt\.wav/);
  assert.match(r.stderr, /notes\.mp3/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  assert.ok(existsSync(join(out, 'song', 'rest.wav')), 'the good file was separated');
  assert.ok(!existsSync(join(out, 'corrupt', 'instrument.wav')), 'no half-written stems');
});

test('bad options and unknown models exit non-zero with one line, no stack', () => {
  const bits = run('separate', song, '--model', model, '--bits', '12');
  assert.equal(bits.status, 2);
  assert.match(bits.stderr, /Allowed choices are 16, 24, 32/);
  const flac32 = run('separate', song, '--model', model, '--format', 'flac', '--bits', '32', '--out', join(tmp, 'x'));
  assert.equal(flac32.status, 2);
  assert.match(flac32.stderr, /FLAC holds integers only/);
  const unknown = run('separate', song, '--model', 'no-such-model', '--out', join(tmp, 'y'));
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /unknown model "no-such-model"; installed models:/);
  const cuda = run('separate', song, '--model', model, '--device', 'cuda', '--out', join(tmp, 'z'));
  assert.equal(cuda.status, 1);
  assert.match(cuda.stderr, /CUDA execution provider/);
  for (const r of [bits, flac32, unknown, cuda]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('stemstream models lists packages with their metrics (JSON)', () => {
  const dir = join(tmp, 'models');
  rmSync(dir, { recursive: true, force: true });
  const r0 = spawnSync(process.execPath, [bin, 'models', '--json'], { encoding: 'utf8', env: { ...process.env, STEMSTREAM_MODELS: dir } });
  assert.equal(r0.status, 0);
  const before = JSON.parse(r0.stdout) as { name: string }[];
  // A copy of the fixture on the search path shows up by name.
  const pkg = join(dir, 'my-model');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['model.json', 'model.onnx']) copyFileSync(join(model, f), join(pkg, f));
  const r = spawnSync(process.execPath, [bin, 'models', '--json'], { encoding: 'utf8', env: { ...process.env, STEMSTREAM_MODELS: dir } });
  const rows = JSON.parse(r.stdout) as { name: string; instrument: string }[];
  assert.equal(rows.length, before.length + 1);
  assert.equal(rows.find((m) => m.name === 'my-model')?.instrument, 'guitar');
});

test('output folders are unique per track name', () => {
  assert.deepEqual(outputDirs(['a/song.wav'], 'out'), ['out']);
  assert.deepEqual(outputDirs(['a/song.wav', 'b/song.flac', 'c/x.mp3'], 'out'), ['out/song', 'out/song-2', 'out/x']);
});
