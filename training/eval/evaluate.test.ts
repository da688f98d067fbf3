import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import wavefile from 'wavefile';
import { isStemstreamError } from '../../engine/errors.js';
import { evaluateDataset, type Separator } from './evaluate.js';
import { downmix } from './resample.js';
import { onePole, noise, seededRandom, sines } from './eval-signals.js';

const RATE = 22050;
const SECONDS = 1.5;

interface FakeTrack {
  name: string;
  instrument: Float32Array[];
  rest: Float32Array[];
}

function energy(x: Float64Array): number {
  let e = 0;
  for (const v of x) e += v * v;
  return e;
}

/** Harmonic "instrument" and low-passed-noise "rest" at equal energy (so mix/2 scores ≈ 0 dB BSS SDR). */
function fakeTrack(name: string, seed: number, nbChannels: number): FakeTrack {
  const n = Math.round(SECONDS * RATE);
  const r = seededRandom(seed);
  const f0 = 196 * (1 + seed / 10);
  const inst = sines(n, RATE, [[f0, 0.3, 0], [2 * f0, 0.15, 1], [3 * f0, 0.08, 2], [5 * f0, 0.04, 0.5]]);
  const rest = onePole(noise(r, n, 1), 0.6);
  const g = Math.sqrt(energy(inst) / energy(rest));
  const restScaled = rest.map((v) => v * g);
  const channels = (x: Float64Array): Float32Array[] =>
    Array.from({ length: nbChannels }, (_, c) => Float32Array.from(x, (v) => v * (c === 0 ? 1 : 0.8)));
  return { name, instrument: channels(inst), rest: channels(restScaled) };
}

function writeWav(path: string, channels: Float32Array[], rate = RATE): void {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels.length, rate, '32f', channels.length === 1 ? channels[0] : channels);
  writeFileSync(path, wav.toBuffer());
}

function writeDataset(root: string, tracks: FakeTrack[], rate = RATE): void {
  for (const t of tracks) {
    const dir = join(root, `tracks_${rate}hz`, t.name);
    mkdirSync(dir, { recursive: true });
    writeWav(join(dir, `instrument_${t.name}.wav`), t.instrument, rate);
    writeWav(join(dir, `rest_${t.name}.wav`), t.rest, rate);
  }
}

let root = '';
let tracks: FakeTrack[] = [];

before(() => {
  root = mkdtempSync(join(tmpdir(), 'stemstream-eval-'));
  tracks = [fakeTrack('b-mono', 2, 1), fakeTrack('a-stereo', 1, 2)];
  writeDataset(join(root, 'data'), tracks);
});

after(() => rmSync(root, { recursive: true, force: true }));

/** Knows the true stems (tracks are evaluated in name order) and returns them. */
function trueStemSeparator(): Separator {
  const order = [...tracks].sort((a, b) => a.name.localeCompare(b.name));
  let call = 0;
  return async (mix) => {
    const t = order[call++];
    assert.equal(mix.length, 1, 'the protocol separates the mono mix');
    return { instrument: [downmix(t.instrument)], rest: [downmix(t.rest)] };
  };
}

const halfMix: Separator = async (mix) => {
  const half = mix[0].map((v) => v / 2);
  return { instrument: [half], rest: [Float32Array.from(half)] };
};

test('true stems score very high; the oracle mask bound sits between them and mix/2', async () => {
  const seen: string[] = [];
  const report = await evaluateDataset(join(root, 'data'), {
    separator: trueStemSeparator(),
    modelName: 'oracle-test',
    onTrack: (done, total, t) => seen.push(`${done}/${total} ${t.name}`),
  });
  assert.deepEqual(seen, ['1/2 a-stereo', '2/2 b-mono']);
  assert.equal(report.tracks.length, 2);
  for (const t of report.tracks) {
    assert.ok(Math.abs(t.seconds - SECONDS) < 1e-3);
    // Only the STFT round trip separates the true stems from the references (float32 precision).
    assert.ok(t.model.instrument.sdr > 50, `instrument SDR ${t.model.instrument.sdr}`);
    assert.ok(t.model.rest.sdr > 50, `rest SDR ${t.model.rest.sdr}`);
    assert.ok(t.model.instrument.siSdr > 50 && t.model.instrument.plainSdr > 50);
    assert.deepEqual(t.model.perm, [0, 1]);
    assert.ok(t.oracle);
    // Tones against noise: the IRM separates well but not perfectly.
    assert.ok(t.oracle.instrument.sdr > 8 && t.oracle.instrument.sdr < 40, `IRM SDR ${t.oracle.instrument.sdr}`);
  }
  assert.ok(report.median.model.instrument.sdr > 50);
});

test('answering mix/2 scores about 0 dB BSS SDR/SIR, 0 dB SI-SDR and +3 dB new SDR', async () => {
  const report = await evaluateDataset(join(root, 'data'), { separator: halfMix, maxSeconds: 1 });
  for (const t of report.tracks) {
    assert.ok(Math.abs(t.seconds - 1) < 1e-3, `${t.seconds}`);
    for (const stem of [t.model.instrument, t.model.rest]) {
      assert.ok(Math.abs(stem.sdr) < 1.5, `SDR ${stem.sdr}`);
      assert.ok(Math.abs(stem.sir) < 1.5, `SIR ${stem.sir}`);
      assert.ok(Math.abs(stem.siSdr) < 1, `SI-SDR ${stem.siSdr}`);
      assert.ok(Math.abs(stem.plainSdr - 3.01) < 0.5, `nSDR ${stem.plainSdr}`);
    }
    assert.ok(t.oracle && t.oracle.instrument.sdr > t.model.instrument.sdr + 5);
  }
  assert.equal(report.protocol.maxSeconds, 1);
});

test('--tracks limits the count; oracle can be switched off', async () => {
  const report = await evaluateDataset(join(root, 'data'), { separator: halfMix, maxTracks: 1, maxSeconds: 0.5, oracle: false });
  assert.deepEqual(report.tracks.map((t) => t.name), ['a-stereo']);
  assert.equal(report.tracks[0].oracle, null);
  assert.equal(report.median.oracle, null);
});

test('a 44.1 kHz dataset is resampled to 22050 Hz before evaluation', async () => {
  const hi = join(root, 'hi');
  const t = fakeTrack('x', 3, 1);
  // Reinterpreting the samples at 44100 Hz halves the duration; the content does not matter here.
  writeDataset(hi, [t], 44100);
  const report = await evaluateDataset(hi, { separator: halfMix });
  assert.equal(report.tracks[0].sourceSampleRate, 44100);
  assert.ok(Math.abs(report.tracks[0].seconds - SECONDS / 2) < 2e-3, `${report.tracks[0].seconds}`);
});

test('dataset and separator errors carry their codes', async () => {
  const code = (c: string) => (e: unknown) => isStemstreamError(e) && e.code === c;
  await assert.rejects(evaluateDataset(join(root, 'nope'), { separator: halfMix }), code('SS_ERR_FILE_NOT_FOUND'));
  await assert.rejects(evaluateDataset(root, { separator: halfMix }), code('SS_ERR_BAD_DATASET'));
  const shortSep: Separator = async (mix) => ({ instrument: [mix[0].subarray(1)], rest: [mix[0].subarray(1)] });
  await assert.rejects(evaluateDataset(join(root, 'data'), { separator: shortSep }), code('SS_ERR_INFERENCE'));
  await assert.rejects(evaluateDataset(join(root, 'data'), { separator: halfMix, maxSeconds: -1 }), code('SS_ERR_BAD_OPTION'));
  const broken = join(root, 'broken');
  writeDataset(broken, [fakeTrack('y', 4, 1)]);
  unlinkSync(join(broken, 'tracks_22050hz', 'y', 'rest_y.wav'));
  await assert.rejects(evaluateDataset(broken, { separator: halfMix }), (e: unknown) => {
    return isStemstreamError(e) && e.code === 'SS_ERR_BAD_DATASET' && e.message.includes('rest_y.wav');
  });
  const corrupt = join(root, 'corrupt');
  writeDataset(corrupt, [fakeTrack('z', 5, 1)]);
  writeFileSync(join(corrupt, 'tracks_22050hz', 'z', 'rest_z.wav'), 'not a wav');
  await assert.rejects(evaluateDataset(corrupt, { separator: halfMix }), code('SS_ERR_CORRUPT_AUDIO'));
});

test('a silent instrument stem gives NaN metrics and a warning instead of failing the run', async () => {
  const dir = join(root, 'silent');
  const t = fakeTrack('s', 6, 1);
  t.instrument = [new Float32Array(t.instrument[0].length)];
  writeDataset(dir, [t]);
  const report = await evaluateDataset(dir, { separator: halfMix, maxSeconds: 0.5 });
  const tr = report.tracks[0];
  assert.ok(Number.isNaN(tr.model.instrument.sdr) && Number.isNaN(tr.model.instrument.siSdr));
  assert.ok(Number.isFinite(tr.model.rest.sdr));
  assert.ok(tr.warnings.some((w) => w.includes('instrument stem is silent')));
  assert.ok(Number.isNaN(report.median.model.instrument.sdr));
});
