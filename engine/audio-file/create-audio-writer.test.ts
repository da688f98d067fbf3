import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAudioWriter, writeAudio } from './create-audio-writer.js';
import { openAudio, readAudio } from './open-audio.js';
import { quantize } from './pcm-codec.js';
import { fixture, rejectsWith, withTempDir } from './audio-test-helpers.js';

/** Deterministic test signal: full-scale noise, a sine, out-of-range values and NaN. */
function signal(nbChannels: number, n: number): Float32Array[] {
  let seed = 42;
  return Array.from({ length: nbChannels }, (_, c) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      x[i] = c % 2 === 0 ? (seed / 2 ** 32) * 2 - 1 : 0.7 * Math.sin(i * 0.01 * (c + 1));
    }
    x[0] = 1; x[1] = -1; x[2] = 1.7; x[3] = -3; x[4] = Number.NaN; x[5] = 0.5 / 32768; x[6] = -0.5 / 8388608;
    return x;
  });
}

function quantized(ch: Float32Array[], bits: 16 | 24): Float32Array[] {
  const scale = 2 ** (bits - 1);
  return ch.map((x) => x.map((v) => quantize(v, bits) / scale));
}

for (const [format, bits] of [['wav', 16], ['wav', 24], ['flac', 16], ['flac', 24]] as const) {
  test(`${format} ${bits}-bit: reads back exactly the quantised input`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, `out.${format}`);
      const ch = signal(2, 30000);
      await writeAudio(path, { sampleRate: 22050, channels: ch }, { format, bits });
      const back = await readAudio(path);
      assert.deepEqual(back.info, { format, sampleRate: 22050, nbChannels: 2, nbFrames: 30000, bitsPerSample: bits, sampleFormat: 'int' });
      assert.deepEqual(back.channels, quantized(ch, bits));
      // Re-encoding what was read is a fixed point: same samples again.
      const again = join(dir, `again.${format}`);
      await writeAudio(again, { sampleRate: 22050, channels: back.channels }, { format, bits });
      assert.deepEqual((await readAudio(again)).channels, back.channels);
    });
  });
}

test('wav float32 stores samples as they are (no clipping, NaN kept)', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'f.wav');
    const ch = signal(3, 5000);
    await writeAudio(path, { sampleRate: 48000, channels: ch }, { format: 'wav', bits: 32 });
    const back = await readAudio(path);
    assert.deepEqual(back.info, { format: 'wav', sampleRate: 48000, nbChannels: 3, nbFrames: 5000, bitsPerSample: 32, sampleFormat: 'float' });
    assert.deepEqual(back.channels, ch);
  });
});

test('streaming writes in uneven blocks give the same bytes as one write', async () => {
  await withTempDir(async (dir) => {
    const ch = signal(2, 70001);
    for (const [format, bits] of [['wav', 24], ['flac', 16]] as const) {
      const one = join(dir, `one.${format}`);
      const many = join(dir, `many.${format}`);
      await writeAudio(one, { sampleRate: 44100, channels: ch }, { format, bits });
      const w = await createAudioWriter(many, { format, bits, sampleRate: 44100, nbChannels: 2 });
      const sizes = [1, 4095, 0, 20000, 33, 17];
      for (let at = 0, k = 0; at < 70001; k++) {
        const n = Math.min(sizes[k % sizes.length], 70001 - at);
        await w.write(ch.map((x) => x.subarray(at, at + n)));
        at += n;
      }
      await w.close();
      await w.close();
      assert.deepEqual(await readFile(many), await readFile(one), format);
    }
  });
});

test('an unclosed WAV is still readable to its end (header sizes 0 = read to EOF)', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'open.wav');
    const w = await createAudioWriter(path, { format: 'wav', bits: 16, sampleRate: 8000, nbChannels: 1 });
    await w.write([new Float32Array(800).fill(0.25)]);
    const r = await openAudio(path);
    assert.equal(r.info.nbFrames, 800);
    await r.close();
    await w.close();
  });
});

test('FLAC output carries a correct STREAMINFO (total frames, MD5) and is valid for the reference decoder', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'x.flac');
    await writeAudio(path, { sampleRate: 44100, channels: signal(2, 12345) }, { format: 'flac', bits: 24 });
    const b = new Uint8Array(await readFile(path));
    assert.equal(String.fromCharCode(...b.subarray(0, 4)), 'fLaC');
    assert.equal(b[4] & 0x7f, 0, 'first block is STREAMINFO');
    const total = (b[8 + 13] & 0x0f) * 2 ** 32 + ((b[8 + 14] << 24) >>> 0) + (b[8 + 15] << 16) + (b[8 + 16] << 8) + b[8 + 17];
    assert.equal(total, 12345);
    assert.ok(b.subarray(8 + 18, 8 + 34).some((v) => v !== 0), 'MD5 filled in');
    let hasFlac = true;
    try { execFileSync('flac', ['--version'], { stdio: 'ignore' }); } catch { hasFlac = false; }
    if (!hasFlac) { t.diagnostic('flac CLI not installed: skipped the reference-decoder check'); return; }
    // `flac -t` decodes every frame, checks CRCs and compares the MD5 against STREAMINFO.
    execFileSync('flac', ['-t', '--silent', path]);
  });
});

test('option errors: FLAC 32-bit, bad bits/format/rate/channels, wrong blocks, unwritable path', async () => {
  await withTempDir(async (dir) => {
    const p = join(dir, 'x');
    await rejectsWith(createAudioWriter(p, { format: 'flac', bits: 32, sampleRate: 44100, nbChannels: 2 }), 'SS_ERR_BAD_OPTION', /FLAC output supports 16 or 24 bits/);
    await rejectsWith(createAudioWriter(p, { format: 'wav', bits: 8 as 16, sampleRate: 44100, nbChannels: 2 }), 'SS_ERR_BAD_OPTION', /bit depth 8/);
    await rejectsWith(createAudioWriter(p, { format: 'mp3' as 'wav', bits: 16, sampleRate: 44100, nbChannels: 2 }), 'SS_ERR_BAD_OPTION', /unknown output format 'mp3'/);
    await rejectsWith(createAudioWriter(p, { format: 'wav', bits: 16, sampleRate: 0, nbChannels: 2 }), 'SS_ERR_BAD_OPTION', /sample rate/);
    await rejectsWith(createAudioWriter(p, { format: 'flac', bits: 16, sampleRate: 44100, nbChannels: 9 }), 'SS_ERR_BAD_OPTION', /at most 8 channels/);
    await rejectsWith(writeAudio(p, { sampleRate: 44100, channels: [] }, { format: 'wav', bits: 16 }), 'SS_ERR_BAD_OPTION', /channel count 0/);
    const w = await createAudioWriter(join(dir, 'w.wav'), { format: 'wav', bits: 16, sampleRate: 44100, nbChannels: 2 });
    await rejectsWith(w.write([new Float32Array(4)]), 'SS_ERR_BAD_OPTION', /got 1 channels/);
    await rejectsWith(w.write([new Float32Array(4), new Float32Array(5)]), 'SS_ERR_BAD_OPTION', /different lengths/);
    await w.close();
    await rejectsWith(writeAudio(join(dir, 'missing-dir', 'x.wav'), { sampleRate: 44100, channels: [new Float32Array(4)] }, { format: 'wav', bits: 16 }),
      'SS_ERR_WRITE_FAILED', /missing-dir\/x\.wav: cannot write \(ENOENT\)/);
  });
});

test('a fixture copied through the writer is sample-identical (16-bit WAV -> FLAC -> WAV)', async () => {
  await withTempDir(async (dir) => {
    const src = await readAudio(fixture('sine-s16-6ch.wav'));
    await writeAudio(join(dir, 'a.flac'), src, { format: 'flac', bits: 16 });
    const mid = await readAudio(join(dir, 'a.flac'));
    await writeAudio(join(dir, 'b.wav'), mid, { format: 'wav', bits: 16 });
    const out = await readAudio(join(dir, 'b.wav'));
    assert.deepEqual(out.channels, src.channels);
    assert.equal(out.info.nbChannels, 6);
  });
});
