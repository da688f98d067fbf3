import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mulberry32 } from '../dsp/index.js';
import { loadModel, type LoadedModel, type MaskModel } from '../model/index.js';
import { repoPath } from '../paths.js';
import { separatorModel, type SeparatorModel } from '../separator/index.js';
import { DirectInferencePort, type InferencePort } from './inference-port.js';
import { StreamingSeparator, type StreamingConfig } from './streaming-separator.js';

const STFT = { nFft: 1536, hop: 384 };

function constantMaskModel(value: number): MaskModel {
  return {
    nbBins: 769,
    chunkFrames: 64,
    async run(_x, batch) {
      return new Float32Array(batch * 769 * 64).fill(value);
    },
    async dispose() {},
  };
}

const model = (mask: MaskModel): SeparatorModel => ({ mask, sampleRate: 22050, stft: STFT });

/** Answers every request at once, synchronously: a live run that never misses. */
class InstantPort implements InferencePort {
  private readonly answers = new Map<number, Float32Array>();
  constructor(private readonly fn: (window: Float32Array) => Float32Array) {}
  submit(seq: number, window: Float32Array): void {
    this.answers.set(seq, this.fn(window));
  }
  poll(seq: number, out: Float32Array): boolean {
    const a = this.answers.get(seq);
    if (!a) return false;
    out.set(a);
    this.answers.delete(seq);
    return true;
  }
  async wait(seq: number, out: Float32Array): Promise<void> {
    assert.ok(this.poll(seq, out));
  }
  drop(seq: number): void {
    this.answers.delete(seq);
  }
  async close(): Promise<void> {}
}

/** Never answers: every request misses its deadline. */
class SilentPort implements InferencePort {
  submit(): void {}
  poll(): boolean {
    return false;
  }
  async wait(): Promise<void> {
    throw new Error('no answer');
  }
  drop(): void {}
  async close(): Promise<void> {}
}

function tones(rate: number, n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const fs = [146.8, 220, 329.6, 493.9].map((f) => f * (0.95 + 0.1 * rand()));
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const f of fs) for (let k = 1; f * k < 5000; k++) s += (0.05 / k) * Math.sin((2 * Math.PI * f * k * i) / rate);
    x[i] = s;
  }
  return x;
}

interface RunResult {
  instrument: Float32Array[];
  rest: Float32Array[];
  sep: StreamingSeparator;
}

async function run(config: StreamingConfig, port: InferencePort, input: Float32Array[], live: boolean): Promise<RunResult> {
  const sep = await StreamingSeparator.create(config, port);
  const n = input[0].length;
  const B = config.blockFrames;
  const instrument = input.map(() => new Float32Array(n));
  const rest = input.map(() => new Float32Array(n));
  const oi = input.map(() => new Float32Array(B));
  const or = input.map(() => new Float32Array(B));
  for (let at = 0; at + B <= n; at += B) {
    const block = input.map((c) => c.subarray(at, at + B));
    if (live) sep.processBlock(block, oi, or);
    else await sep.processBlockWaiting(block, oi, or);
    for (let c = 0; c < input.length; c++) {
      instrument[c].set(oi[c], at);
      rest[c].set(or[c], at);
    }
  }
  await sep.close();
  return { instrument, rest, sep };
}

function errDb(ref: Float32Array, est: Float32Array, from: number, to: number, shift: number): number {
  let e = 0;
  let s = 0;
  for (let i = from; i < to; i++) {
    e += (ref[i - shift] - est[i]) ** 2;
    s += ref[i - shift] ** 2;
  }
  return 10 * Math.log10(e / s);
}

for (const [rate, B, K, L] of [
  [22050, 256, 2, 0],
  [22050, 64, 1, 3],
  [48000, 256, 2, 1],
  [44100, 1000, 4, 2],
  [48000, 1024, 8, 0],
] as const) {
  test(`with a mask of ones the instrument is the input delayed by exactly the planned latency (${rate} Hz, block ${B}, K=${K}, L=${L})`, async () => {
    const n = Math.floor((rate * 3) / B) * B;
    const x = tones(rate, n, 1);
    const cfg: StreamingConfig = { model: model(constantMaskModel(1)), sampleRate: rate, nbChannels: 1, blockFrames: B, hopInterval: K, lookahead: L };
    const { instrument, rest, sep } = await run(cfg, new InstantPort((w) => new Float32Array(w.length).fill(1)), [x], true);
    const D = sep.plan.latencyFrames;
    assert.equal(sep.counters.underflowFrames, 0, 'the planned delay is enough');
    assert.equal(sep.counters.deadlineMisses, 0);
    const from = D + 3000;
    const limit = rate === 22050 ? -90 : -50;
    const e = errDb(x, instrument[0], from, n, D);
    assert.ok(e < limit, `instrument vs delayed input: ${e.toFixed(1)} dB`);
    // One sample off would be far worse: the alignment is exact.
    assert.ok(errDb(x, instrument[0], from, n, D + 1) > e + 20);
    let restMax = 0;
    for (let i = from; i < n; i++) restMax = Math.max(restMax, Math.abs(rest[0][i]));
    assert.ok(restMax < (rate === 22050 ? 1e-4 : 2e-2));
  });
}

test('a model that never answers: every request misses, the output is the dry mix as rest, nothing underflows', async () => {
  const rate = 48000;
  const x = tones(rate, rate * 2, 2);
  const cfg: StreamingConfig = { model: model(constantMaskModel(1)), sampleRate: rate, nbChannels: 1, blockFrames: 256, hopInterval: 2, lookahead: 0, latencyMs: 150 };
  const { instrument, rest, sep } = await run(cfg, new SilentPort(), [x], true);
  assert.ok(sep.counters.deadlineMisses > 50);
  assert.equal(sep.counters.underflowFrames, 0);
  assert.ok(instrument[0].every((v) => v === 0));
  const D = sep.plan.latencyFrames;
  for (let i = D; i < x.length; i += 97) assert.equal(rest[0][i], x[i - D]);
});

test('late answers are counted as misses and the separator recovers by itself', async () => {
  const rate = 22050;
  const x = tones(rate, 128 * 500, 3);
  let calls = 0;
  // Answers only from the 40th request on: the first ones miss, the rest are on time.
  const port: InferencePort = new (class extends InstantPort {
    override poll(seq: number, out: Float32Array): boolean {
      calls++;
      return seq >= 40 && super.poll(seq, out);
    }
  })((w) => new Float32Array(w.length).fill(1));
  const cfg: StreamingConfig = { model: model(constantMaskModel(1)), sampleRate: rate, nbChannels: 1, blockFrames: 128, hopInterval: 2, lookahead: 1 };
  const { instrument, sep } = await run(cfg, port, [x], true);
  assert.ok(calls > 0);
  assert.ok(sep.counters.deadlineMisses >= 39 && sep.counters.deadlineMisses <= 41, `misses ${sep.counters.deadlineMisses}`);
  const D = sep.plan.latencyFrames;
  assert.ok(errDb(x, instrument[0], x.length - 20000, x.length, D) < -80, 'back to the model after the misses');
});

let tiny: LoadedModel;
before(async () => {
  tiny = await loadModel(repoPath('engine', 'model', 'fixtures', 'tiny'), { threads: 2 });
});
after(async () => {
  await tiny.dispose();
});

test('a live run without misses equals the waiting (offline --streaming) run sample for sample', async () => {
  const rate = 44100;
  const l = tones(rate, rate * 2, 4);
  const r = tones(rate, rate * 2, 5);
  const cfg: StreamingConfig = { model: separatorModel(tiny), sampleRate: rate, nbChannels: 2, blockFrames: 512, hopInterval: 4, lookahead: 2 };
  // "Live": answers computed ahead through the real ONNX model, then served instantly.
  const masks = new Map<number, Float32Array>();
  const recorder = new DirectInferencePort(tiny);
  const offline = await run(cfg, recorder, [l, r], false);
  assert.equal(offline.sep.counters.deadlineMisses, 0);
  const warm = new DirectInferencePort(tiny);
  let seq = 0;
  const instant = new InstantPort(() => masks.get(seq++) as Float32Array);
  // Precompute every window's answer with the ONNX model by replaying the same input.
  const replay = await StreamingSeparator.create(cfg, {
    submit: (s, w) => warm.submit(s, w),
    poll: () => false,
    wait: (s, out) => warm.wait(s, out).then(() => void masks.set(s, out.slice())),
    drop: () => undefined,
    close: () => warm.close(),
  });
  const oi = [new Float32Array(512), new Float32Array(512)];
  const or = [new Float32Array(512), new Float32Array(512)];
  for (let at = 0; at + 512 <= l.length; at += 512) await replay.processBlockWaiting([l.subarray(at, at + 512), r.subarray(at, at + 512)], oi, or);
  await replay.close();
  const live = await run(cfg, instant, [l, r], true);
  assert.equal(live.sep.counters.deadlineMisses, 0);
  for (let c = 0; c < 2; c++) {
    let d = 0;
    for (let i = 0; i < l.length; i++) d = Math.max(d, Math.abs(live.instrument[c][i] - offline.instrument[c][i]));
    assert.ok(d < 1e-6, `channel ${c}: max diff ${d}`);
  }
});

test('a latency below the structural minimum is refused with the floor in the message', async () => {
  const cfg: StreamingConfig = { model: model(constantMaskModel(1)), sampleRate: 48000, nbChannels: 2, blockFrames: 256, hopInterval: 2, lookahead: 0, latencyMs: 50 };
  await assert.rejects(StreamingSeparator.create(cfg, new SilentPort()), (e: any) => e.code === 'SS_ERR_BAD_OPTION' && /window alone is 69\.7 ms/.test(e.message));
});
