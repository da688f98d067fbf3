import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openAudio, readAudio } from './open-audio.js';
import { fixture, rejectsWith, withTempDir } from './audio-test-helpers.js';
import { buildWavHeader, parseWavHeader, type ReadAt } from './wav-header.js';

function readAtOf(bytes: Uint8Array): ReadAt {
  return async (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length));
}

/** The s16 stereo fixture: 44-byte canonical header, then 4410 frames. */
async function s16(): Promise<{ header: Uint8Array; data: Uint8Array }> {
  const b = new Uint8Array(await readFile(fixture('sine-s16-stereo.wav')));
  assert.equal(String.fromCharCode(...b.subarray(36, 40)), 'data');
  return { header: b.slice(0, 44), data: b.slice(44) };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function withDataSize(header: Uint8Array, size: number): Uint8Array {
  const h = header.slice();
  h.set(u32(size), 40);
  return h;
}

test('odd chunks (LIST with odd size + pad byte, JUNK) before data are skipped', async () => {
  const { header, data } = await s16();
  const list = concat(new TextEncoder().encode('LIST'), u32(5), new TextEncoder().encode('INFOx'), Uint8Array.of(0));
  const junk = concat(new TextEncoder().encode('JUNK'), u32(8), new Uint8Array(8));
  const file = concat(header.subarray(0, 36), list, junk, header.subarray(36), data);
  const layout = await parseWavHeader(readAtOf(file), file.length, 'x.wav');
  assert.equal(layout.dataOffset, 36 + list.length + junk.length + 8);
  assert.equal(layout.nbFrames, 4410);
  assert.deepEqual(layout.warnings, []);
  // And the samples read through the whole stack match the plain file.
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'list.wav'), file);
    const a = await readAudio(join(dir, 'list.wav'));
    const b = await readAudio(fixture('sine-s16-stereo.wav'));
    assert.deepEqual(a.channels, b.channels);
  });
});

test('data size 0 or 0xFFFFFFFF (unfinished streaming writer) means read to end of file', async () => {
  const { header, data } = await s16();
  for (const size of [0, 0xffffffff]) {
    const file = concat(withDataSize(header, size), data);
    const layout = await parseWavHeader(readAtOf(file), file.length, 'x.wav');
    assert.equal(layout.nbFrames, 4410, `size ${size}`);
    assert.deepEqual(layout.warnings, []);
  }
});

test('a truncated data chunk reads what is there and warns', async () => {
  const { header, data } = await s16();
  // Cut mid-frame: 1000 whole frames + 3 bytes.
  const file = concat(header, data.subarray(0, 4003));
  await withTempDir(async (dir) => {
    const path = join(dir, 'cut.wav');
    await writeFile(path, file);
    const reader = await openAudio(path);
    assert.equal(reader.info.nbFrames, 1000);
    assert.equal(reader.info.warnings?.length, 1);
    assert.match(reader.info.warnings?.[0] ?? '', /cut\.wav: data chunk declares 17640 bytes but only 4003/);
    await reader.close();
    const all = await readAudio(path);
    assert.equal(all.channels[0].length, 1000);
  });
});

test('header errors: data before fmt, A-law, absurd rate, short fmt, no data', async () => {
  const { header, data } = await s16();
  const cases: { file: Uint8Array; code: 'SS_ERR_CORRUPT_AUDIO' | 'SS_ERR_UNSUPPORTED_AUDIO'; message: RegExp }[] = [
    { file: concat(header.subarray(0, 12), header.subarray(36), data), code: 'SS_ERR_CORRUPT_AUDIO', message: /data chunk comes before the fmt chunk/ },
    { file: (() => { const h = header.slice(); h[20] = 6; return concat(h, data); })(), code: 'SS_ERR_UNSUPPORTED_AUDIO', message: /0x0006 \(A-law\)/ },
    { file: (() => { const h = header.slice(); h.set(u32(7), 24); return concat(h, data); })(), code: 'SS_ERR_CORRUPT_AUDIO', message: /absurd sample rate 7 Hz/ },
    { file: (() => { const h = header.slice(); h.set(u32(8), 16); return h.subarray(0, 28); })(), code: 'SS_ERR_CORRUPT_AUDIO', message: /fmt chunk is 8 bytes/ },
    { file: header.subarray(0, 36), code: 'SS_ERR_CORRUPT_AUDIO', message: /no data chunk/ },
  ];
  for (const c of cases) {
    await rejectsWith(parseWavHeader(readAtOf(c.file), c.file.length, 'bad.wav'), c.code, c.message);
  }
});

test('built headers parse back (PCM, float + fact, extensible multichannel)', async () => {
  for (const [float, bits, nbChannels] of [[false, 16, 2], [false, 24, 1], [true, 32, 2], [false, 24, 6], [true, 32, 3]] as const) {
    const h = buildWavHeader({ float, bits, sampleRate: 48000, nbChannels, nbFrames: 10 });
    const file = concat(h, new Uint8Array((10 * nbChannels * bits) / 8));
    const layout = await parseWavHeader(readAtOf(file), file.length, 'built.wav');
    assert.deepEqual(layout.encoding, { kind: float ? 'float' : 'int', bits });
    assert.equal(layout.nbChannels, nbChannels);
    assert.equal(layout.sampleRate, 48000);
    assert.equal(layout.nbFrames, 10);
    assert.equal(layout.dataOffset, h.length);
    // RIFF size covers everything after the first 8 bytes.
    assert.equal(new DataView(h.buffer).getUint32(4, true), file.length - 8);
  }
});
