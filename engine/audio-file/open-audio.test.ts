import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AudioReader } from './audio-types.js';
import { openAudio, readAudio } from './open-audio.js';
import { fixture, maxAbsDiff, rejectsWith, sine, withTempDir } from './audio-test-helpers.js';

// sox's synth oscillator deviates from an ideal sine (a slight phase offset growing with f / rate,
// and a blip on the very first sample), so analytic comparisons skip 4 samples and allow 2.5e-3
// plus the format's quantisation step.
const SOX_SINE_TOL = 2.5e-3;
const SKIP = 4;

test('every WAV sample format decodes to the sine sox wrote', async () => {
  const cases: [string, number, number, string, number | null][] = [
    // name, rate, channels, sampleFormat, bits
    ['sine-s16-stereo.wav', 44100, 2, 'int', 16],
    ['sine-s24-stereo.wav', 44100, 2, 'int', 24],
    ['sine-s32-stereo.wav', 44100, 2, 'int', 32],
    ['sine-f32-stereo.wav', 44100, 2, 'float', 32],
    ['sine-u8-mono.wav', 22050, 1, 'int', 8],
    ['sine-f64-mono.wav', 22050, 1, 'float', 64],
  ];
  for (const [name, rate, nbChannels, sampleFormat, bits] of cases) {
    const { info, sampleRate, channels } = await readAudio(fixture(name));
    assert.deepEqual(info, { format: 'wav', sampleRate: rate, nbChannels, nbFrames: rate / 10, bitsPerSample: bits, sampleFormat }, name);
    assert.equal(sampleRate, rate);
    assert.equal(channels.length, nbChannels);
    const tol = SOX_SINE_TOL + (bits === 8 ? 1 / 128 : 1e-4);
    assert.ok(maxAbsDiff(channels[0], sine(440, rate, rate / 10), SKIP) < tol, `${name} ch0`);
    if (nbChannels === 2) assert.ok(maxAbsDiff(channels[1], sine(660, rate, rate / 10), SKIP) < tol, `${name} ch1`);
  }
});

test('integer formats agree with each other to their quantisation step', async () => {
  const s16 = await readAudio(fixture('sine-s16-stereo.wav'));
  const s24 = await readAudio(fixture('sine-s24-stereo.wav'));
  const f32 = await readAudio(fixture('sine-f32-stereo.wav'));
  for (let c = 0; c < 2; c++) {
    assert.ok(maxAbsDiff(s16.channels[c], f32.channels[c]) <= 0.5 / 32768 + 1e-9);
    assert.ok(maxAbsDiff(s24.channels[c], f32.channels[c]) <= 0.5 / 8388608 + 1e-9);
  }
});

test('six-channel WAVE_FORMAT_EXTENSIBLE keeps channel order', async () => {
  const { info, channels } = await readAudio(fixture('sine-s16-6ch.wav'));
  assert.equal(info.nbChannels, 6);
  assert.equal(channels[0].length, 800);
  for (let c = 0; c < 6; c++) assert.ok(maxAbsDiff(channels[c], sine(100 * (c + 1), 16000, 800), SKIP) < SOX_SINE_TOL + 1e-4, `channel ${c}`);
});

test('FLAC 16/24-bit decodes bit-exact to the WAV it was made from', async () => {
  for (const bits of [16, 24]) {
    const wav = await readAudio(fixture(`sine-s${bits}-stereo.wav`));
    const flac = await readAudio(fixture(`sine-s${bits}-stereo.flac`));
    assert.deepEqual(flac.info, { format: 'flac', sampleRate: 44100, nbChannels: 2, nbFrames: 4410, bitsPerSample: bits, sampleFormat: 'int' });
    assert.deepEqual(flac.channels, wav.channels);
  }
});

/** Best lag in [-maxLag, maxLag] of `x` against `ref` (x[i + lag] ~ ref[i]) and the error there. */
function align(x: Float32Array, ref: Float32Array, maxLag: number): { lag: number; rms: number } {
  let best = { lag: 0, rms: Infinity };
  const from = maxLag + 1000, to = ref.length - maxLag - 1000;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let e = 0;
    for (let i = from; i < to; i++) { const d = x[i + lag] - ref[i]; e += d * d; }
    const rms = Math.sqrt(e / (to - from));
    if (rms < best.rms) best = { lag, rms };
  }
  return best;
}

test('MP3 and Ogg Vorbis decode to the sine, gapless: exact length, no delay', async () => {
  const n = 13230; // 0.3 s at 44100 Hz
  const refs = [sine(440, 44100, n), sine(660, 44100, n)];
  const cases: [string, 'mp3' | 'ogg', number][] = [['sine-stereo.mp3', 'mp3', 2], ['sine-mono.mp3', 'mp3', 1], ['sine-stereo.ogg', 'ogg', 2]];
  for (const [name, format, nbChannels] of cases) {
    const { info, channels } = await readAudio(fixture(name));
    assert.equal(info.format, format, name);
    assert.equal(info.sampleFormat, 'compressed');
    assert.equal(info.nbChannels, nbChannels, name);
    assert.equal(channels.length, nbChannels, name);
    assert.equal(channels[0].length, n, `${name}: LAME/Ogg length info honoured`);
    for (let c = 0; c < nbChannels; c++) {
      // Half a period of search either way: a leftover encoder delay would show as a non-zero lag.
      const { lag, rms } = align(channels[c], refs[c], 40);
      assert.equal(lag, 0, `${name} ch${c} lag`);
      // Signal rms is 0.354; these codecs at these rates keep the error 25+ dB below it.
      assert.ok(rms < 0.02, `${name} ch${c} rms error ${rms}`);
    }
  }
  const ogg = await openAudio(fixture('sine-stereo.ogg'));
  assert.equal(ogg.info.nbFrames, n, 'Ogg length known up front from the last granule position');
  await ogg.close();
  const mp3 = await openAudio(fixture('sine-stereo.mp3'));
  assert.equal(mp3.info.nbFrames, n, 'MP3 length known up front from the LAME tag');
  assert.equal(mp3.info.sampleRate, 44100);
  await mp3.close();
});

async function readInChunks(reader: AudioReader, sizes: number[]): Promise<Float32Array[]> {
  const parts: Float32Array[][] = [];
  for (let k = 0; ; k++) {
    const max = sizes[k % sizes.length];
    const b = await reader.read(max);
    if (b === null) break;
    assert.equal(b.length, reader.info.nbChannels);
    assert.ok(b[0].length >= 1 && b[0].length <= max);
    for (const ch of b) assert.equal(ch.length, b[0].length);
    parts.push(b);
  }
  assert.equal(await reader.read(10), null, 'stays at end');
  return Array.from({ length: reader.info.nbChannels }, (_, c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c].length, 0));
    let at = 0;
    for (const p of parts) { out.set(p[c], at); at += p[c].length; }
    return out;
  });
}

test('streaming reads in small uneven chunks equal the whole read, for every format', async () => {
  for (const name of ['sine-s24-stereo.wav', 'sine-u8-mono.wav', 'sine-s16-6ch.wav', 'sine-s16-stereo.flac', 'sine-stereo.mp3', 'sine-mono.mp3', 'sine-stereo.ogg']) {
    const whole = await readAudio(fixture(name));
    const reader = await openAudio(fixture(name));
    try {
      const chunked = await readInChunks(reader, [1, 7, 100, 333, 4096]);
      assert.deepEqual(chunked, whole.channels, name);
    } finally {
      await reader.close();
    }
  }
});

test('FLAC decoded from a file fed in many 64 KiB pieces matches the WAV', async () => {
  // ~1.4 MB of noise so the decoder really gets more than one feed.
  await withTempDir(async (dir) => {
    const { writeAudio } = await import('./create-audio-writer.js');
    const n = 44100 * 8;
    const ch = [new Float32Array(n), new Float32Array(n)];
    let seed = 1;
    for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) >>> 0; ch[0][i] = (seed / 2 ** 32) * 2 - 1; ch[1][i] = Math.sin(i / 50) * 0.3; }
    await writeAudio(join(dir, 'a.wav'), { sampleRate: 44100, channels: ch }, { format: 'wav', bits: 16 });
    await writeAudio(join(dir, 'a.flac'), { sampleRate: 44100, channels: ch }, { format: 'flac', bits: 16 });
    const wav = await readAudio(join(dir, 'a.wav'));
    const reader = await openAudio(join(dir, 'a.flac'));
    const chunked = await readInChunks(reader, [4096, 1000]);
    await reader.close();
    assert.deepEqual(chunked, wav.channels);
  });
});

test('corrupt and non-audio inputs give the right error code, naming the file', async () => {
  const cases: [string, 'SS_ERR_CORRUPT_AUDIO' | 'SS_ERR_UNSUPPORTED_AUDIO', RegExp][] = [
    ['truncated-header.wav', 'SS_ERR_CORRUPT_AUDIO', /truncated-header\.wav: corrupt WAV file: fmt chunk truncated/],
    ['random.wav', 'SS_ERR_UNSUPPORTED_AUDIO', /random\.wav: not a WAV, FLAC, MP3 or Ogg Vorbis file/],
    ['text.mp3', 'SS_ERR_UNSUPPORTED_AUDIO', /text\.mp3: not a WAV/],
    ['empty.wav', 'SS_ERR_CORRUPT_AUDIO', /empty\.wav: file is empty/],
    ['zero-channels.wav', 'SS_ERR_CORRUPT_AUDIO', /zero-channels\.wav: .*0 channels/],
  ];
  for (const [name, code, message] of cases) {
    await rejectsWith(openAudio(fixture(name)), code, message);
    await rejectsWith(readAudio(fixture(name)), code, message);
  }
  await rejectsWith(openAudio(fixture('no-such-file.wav')), 'SS_ERR_FILE_NOT_FOUND', /no-such-file\.wav: no such file/);
  await rejectsWith(openAudio(fixture('')), 'SS_ERR_UNREADABLE_AUDIO', /not a regular file/);
});

test('a compressed file cut short or damaged fails cleanly or reads what is decodable', async () => {
  await withTempDir(async (dir) => {
    // A FLAC header with no frames at all: nothing decodable.
    const flac = new Uint8Array(await readFile(fixture('sine-s16-stereo.flac')));
    const headerOnly = join(dir, 'header-only.flac');
    await writeFile(headerOnly, flac.subarray(0, 42));
    await rejectsWith(readAudio(headerOnly), 'SS_ERR_CORRUPT_AUDIO', /header-only\.flac: no decodable flac audio/);
    // An MP3 cut in half decodes its first half.
    const mp3 = new Uint8Array(await readFile(fixture('sine-stereo.mp3')));
    const half = join(dir, 'half.mp3');
    await writeFile(half, mp3.subarray(0, mp3.length >> 1));
    const r = await readAudio(half);
    assert.ok(r.channels[0].length > 4000 && r.channels[0].length < 13230, `decoded ${r.channels[0].length}`);
    // A Vorbis stream whose header page is intact but body is garbage.
    const ogg = new Uint8Array(await readFile(fixture('sine-stereo.ogg')));
    const garbled = ogg.slice();
    for (let i = 200; i < garbled.length; i++) garbled[i] = (i * 37) & 0xff;
    const bad = join(dir, 'garbled.ogg');
    await writeFile(bad, garbled);
    await rejectsWith(readAudio(bad), 'SS_ERR_CORRUPT_AUDIO', /garbled\.ogg/);
  });
});

test('read() rejects a non-positive size; close() twice is harmless', async () => {
  const reader = await openAudio(fixture('sine-s16-stereo.wav'));
  await rejectsWith(reader.read(0), 'SS_ERR_BAD_OPTION');
  await reader.close();
  await reader.close();
  const mp3 = await openAudio(fixture('sine-stereo.mp3'));
  assert.equal((await mp3.read(10))?.[0].length, 10);
  await mp3.close();
  await mp3.close();
});

test('a leading ID3v2 tag (e.g. cover art) is skipped for MP3 and FLAC', async () => {
  await withTempDir(async (dir) => {
    // 70 KB tag: larger than the sniffing window, so detection must look past it.
    const body = 70000;
    const tag = new Uint8Array(10 + body);
    tag.set(new TextEncoder().encode('ID3'));
    tag[3] = 3;
    tag[6] = (body >> 21) & 0x7f; tag[7] = (body >> 14) & 0x7f; tag[8] = (body >> 7) & 0x7f; tag[9] = body & 0x7f;
    tag.fill(0xff, 10); // sync-like bytes inside the tag must not be taken for frames
    for (const name of ['sine-stereo.mp3', 'sine-s16-stereo.flac']) {
      const original = new Uint8Array(await readFile(fixture(name)));
      const tagged = new Uint8Array(tag.length + original.length);
      tagged.set(tag);
      tagged.set(original, tag.length);
      const path = join(dir, `tagged-${name}`);
      await writeFile(path, tagged);
      const a = await readAudio(path);
      const b = await readAudio(fixture(name));
      assert.equal(a.info.format, b.info.format);
      assert.deepEqual(a.channels, b.channels, name);
    }
  });
});
