import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectFormat, id3v2Size } from './detect-format.js';
import { findMpegFrame, mp3GaplessLength, parseMpegHeader } from './mpeg-header.js';
import { fixture, withTempDir } from './audio-test-helpers.js';
import { readAudio } from './open-audio.js';

test('fixtures are recognised by content, not extension', async () => {
  const expected: Record<string, string | null> = {
    'sine-s16-stereo.wav': 'wav', 'sine-s16-6ch.wav': 'wav', 'sine-f64-mono.wav': 'wav',
    'sine-s16-stereo.flac': 'flac', 'sine-stereo.mp3': 'mp3', 'sine-mono.mp3': 'mp3', 'sine-stereo.ogg': 'ogg',
    'random.wav': null, 'text.mp3': null, 'empty.wav': null,
  };
  for (const [name, format] of Object.entries(expected)) {
    const det = detectFormat(new Uint8Array(await readFile(fixture(name))));
    assert.equal(det.format, format, name);
    if (det.format === null) assert.match(det.reason, /not a WAV, FLAC, MP3 or Ogg Vorbis/);
  }
});

test('a FLAC file named .mp3 and an MP3 named .wav are read by content', async () => {
  await withTempDir(async (dir) => {
    for (const [name, renamed, format] of [['sine-s16-stereo.flac', 'x.mp3', 'flac'], ['sine-stereo.mp3', 'y.wav', 'mp3']]) {
      await copyFile(fixture(name), join(dir, renamed));
      const r = await readAudio(join(dir, renamed));
      assert.equal(r.info.format, format);
      assert.deepEqual(r.channels, (await readAudio(fixture(name))).channels);
    }
  });
});

test('Ogg with another codec and RF64 are rejected with a reason', () => {
  const ogg = new Uint8Array(27 + 1 + 19);
  ogg.set([0x4f, 0x67, 0x67, 0x53]);
  ogg[26] = 1;
  ogg.set(new TextEncoder().encode('OpusHead'), 28);
  const d = detectFormat(ogg);
  assert.equal(d.format, null);
  assert.match(d.format === null ? d.reason : '', /Opus/);
  const rf64 = new TextEncoder().encode('RF64\xff\xff\xff\xffWAVE');
  const r = detectFormat(rf64);
  assert.equal(r.format, null);
  assert.match(r.format === null ? r.reason : '', /RF64/);
});

test('ID3v2 size is syncsafe and includes the footer', () => {
  const tag = new Uint8Array(20);
  tag.set(new TextEncoder().encode('ID3'));
  tag[3] = 4;
  tag[6] = 0; tag[7] = 0; tag[8] = 1; tag[9] = 1; // 129 bytes
  assert.equal(id3v2Size(tag), 10 + 129);
  tag[5] = 0x10;
  assert.equal(id3v2Size(tag), 10 + 129 + 10);
  assert.equal(id3v2Size(new Uint8Array(20)), 0);
});

test('MPEG header parsing: 128 kbps 44.1 kHz stereo layer III', () => {
  // FF FB 90 00: MPEG1 layer III, 128 kbps, 44100 Hz, no padding, stereo.
  const h = parseMpegHeader(Uint8Array.from([0xff, 0xfb, 0x90, 0x00]), 0);
  assert.deepEqual(h, { version: 1, layer: 3, sampleRate: 44100, nbChannels: 2, frameBytes: 417 });
  const mono = parseMpegHeader(Uint8Array.from([0xff, 0xfb, 0x92, 0xc0]), 0);
  assert.equal(mono?.nbChannels, 1);
  assert.equal(mono?.frameBytes, 418);
  // Reserved sample-rate index and bad bitrate are rejected.
  assert.equal(parseMpegHeader(Uint8Array.from([0xff, 0xfb, 0x9c, 0x00]), 0), null);
  assert.equal(parseMpegHeader(Uint8Array.from([0xff, 0xfb, 0xf0, 0x00]), 0), null);
});

test('a lone sync word in random bytes is not taken for MP3', () => {
  const b = new Uint8Array(8192);
  for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 17) & 0x7f;
  b[100] = 0xff; b[101] = 0xfb; b[102] = 0x90; b[103] = 0x00; // header whose "next frame" is garbage
  assert.equal(findMpegFrame(b, 0), null);
  assert.equal(detectFormat(b).format, null);
});

test('MP3 length from the Xing/Info + LAME tag: frames * 1152 - delay - padding', async () => {
  for (const name of ['sine-stereo.mp3', 'sine-mono.mp3']) {
    const b = new Uint8Array(await readFile(fixture(name)));
    const f = findMpegFrame(b, 0);
    assert.ok(f, name);
    // 13 frames * 1152 - 576 (LAME delay) - 1170 (padding) = 13230 = 0.3 s at 44100 Hz.
    assert.equal(mp3GaplessLength(b, f.at, f.header), 13230, name);
    // Without the LAME tag the length is not guessed.
    const noLame = b.slice();
    const lame = Buffer.from(b).indexOf('LAME');
    assert.ok(lame > 0 && lame < 200, name);
    noLame.set([0x58, 0x58, 0x58, 0x58], lame); // 'LAME' -> 'XXXX'
    assert.equal(mp3GaplessLength(noLame, f.at, f.header), null, name);
  }
});
