/**
 * One benchmark run in its own process (so peak memory is this model's alone):
 *   node dist/engine/bench/separation-bench.js <model-dir> <input.wav> <threads>
 * Prints one JSON line: real-time factor, peak RSS, and where the time went.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readAudio } from '../audio-file/index.js';
import { istft, stft } from '../dsp/index.js';
import { resample } from '../dsp/resampler.js';
import { loadModel } from '../model/index.js';
import { separateFile, separatorModel } from '../separator/index.js';

async function main(): Promise<void> {
  const [modelDir, input, threadsArg] = process.argv.slice(2);
  const threads = Number(threadsArg ?? 2);
  const model = await loadModel(modelDir, { threads });
  const out = mkdtempSync(join(tmpdir(), 'ss-bench-'));
  try {
    const result = await separateFile(input, { instrument: join(out, 'instrument.wav'), rest: join(out, 'rest.wav') }, separatorModel(model), {});
    // Split the non-inference DSP time into its parts by timing each stage alone on the same audio.
    const { channels, sampleRate } = await readAudio(input);
    const params = { nFft: model.manifest.signal.n_fft, hop: model.manifest.signal.hop_length };
    let t = performance.now();
    const low = await resample(channels, sampleRate, model.manifest.signal.sample_rate);
    const back = await resample(low, model.manifest.signal.sample_rate, sampleRate);
    const resampleS = (performance.now() - t) / 1000;
    t = performance.now();
    const specs = low.map((c) => stft(c, params));
    const stftS = (performance.now() - t) / 1000;
    t = performance.now();
    specs.forEach((s, c) => istft(s, params, low[c].length));
    const istftS = (performance.now() - t) / 1000;
    const { timings } = result;
    const line = {
      model: model.name,
      params: model.manifest.architecture.trainable_params ?? null,
      threads,
      audio_s: result.durationS,
      elapsed_s: result.elapsedS,
      rtf: result.rtf,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      seconds: {
        read: timings.read,
        write: timings.write,
        inference: timings.inference,
        other_dsp: Math.max(0, timings.total - timings.read - timings.write - timings.inference),
        stft_alone: stftS,
        istft_alone: istftS,
        resample_both_ways_alone: resampleS,
      },
      back_length_ok: back[0].length === channels[0].length,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
    await model.dispose();
  }
}

await main();
