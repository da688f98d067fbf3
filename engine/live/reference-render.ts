/**
 * What a live run must produce, computed offline: the `--streaming` render of the same input with
 * the same block, K, L and latency (StreamingFileProcessor, waiting instead of missing deadlines).
 * Used by the live tests and the live bench to check live output against offline output.
 */
import { mulberry32 } from '../dsp/index.js';
import { loadModel } from '../model/index.js';
import { separateChannels, separatorModel } from '../separator/index.js';
import { StreamingFileProcessor } from '../streaming/index.js';

export interface ReferenceRenderOptions {
  modelDir: string;
  /** Device rate of the input, Hz. */
  sampleRate: number;
  blockFrames: number;
  hopInterval: number;
  lookahead: number;
  latencyMs?: number;
  /** onnxruntime threads for the render. Default 1. */
  threads?: number;
}

/**
 * Renders instrument and rest of `input` (planar, device rate) with the streaming algorithm, delay
 * removed: `instrument[c][x]` is what a live engine outputs `plan.latencyFrames` after input
 * frame x. Returns the plan's delay too.
 */
export async function referenceRender(
  input: Float32Array[],
  options: ReferenceRenderOptions,
): Promise<{ instrument: Float32Array[]; rest: Float32Array[]; latencyFrames: number }> {
  const model = await loadModel(options.modelDir, { threads: options.threads ?? 1 });
  let latencyFrames = 0;
  try {
    const out = await separateChannels(input, options.sampleRate, separatorModel(model), {
      blockFrames: options.blockFrames,
      processor: async (m, rate, nbChannels, sink) => {
        const p = await StreamingFileProcessor.create(m, rate, nbChannels, sink, {
          blockFrames: options.blockFrames,
          hopInterval: options.hopInterval,
          lookahead: options.lookahead,
          latencyMs: options.latencyMs,
        });
        latencyFrames = p.plan.latencyFrames;
        return p;
      },
    });
    return { ...out, latencyFrames };
  } finally {
    await model.dispose();
  }
}

/**
 * A music-like stereo test signal (planar): a few harmonic voices with vibrato, note changes every
 * 250 ms, a little seeded noise; never exactly zero at frame 0 (so its start can be found).
 */
export function musicLike(nbFrames: number, sampleRate: number, seed: number): Float32Array[] {
  const rand = mulberry32(seed);
  const l = new Float32Array(nbFrames);
  const r = new Float32Array(nbFrames);
  const notes = [110, 146.8, 164.8, 196, 220, 246.9, 293.7, 329.6];
  const step = Math.round(sampleRate / 4);
  let f1 = notes[0];
  let f2 = notes[4];
  let ph1 = 0.3;
  let ph2 = 1.1;
  for (let i = 0; i < nbFrames; i++) {
    if (i % step === 0) {
      f1 = notes[Math.floor(rand() * notes.length)];
      f2 = 2 * notes[Math.floor(rand() * notes.length)];
    }
    ph1 += (2 * Math.PI * f1) / sampleRate;
    ph2 += (2 * Math.PI * f2 * (1 + 0.003 * Math.sin((2 * Math.PI * 5 * i) / sampleRate))) / sampleRate;
    let a = 0;
    let b = 0;
    for (let k = 1; k <= 5; k++) {
      a += (0.12 / k) * Math.sin(k * ph1);
      b += (0.08 / k) * Math.sin(k * ph2 + 0.5 * k);
    }
    const n = (rand() - 0.5) * 0.01;
    l[i] = 0.9 * a + 0.5 * b + n + 0.001;
    r[i] = 0.5 * a + 0.9 * b - n + 0.001;
  }
  return [l, r];
}

/** Largest absolute sample-to-sample step of `x` in [from, to). */
export function maxStep(x: Float32Array, from = 1, to = x.length): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}
