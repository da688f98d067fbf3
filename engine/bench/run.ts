/**
 * `npm run bench`: offline separation speed on this machine for the thesis-size model, the
 * measured live sizes, the shipped live hourglass and the recurrent network — real-time factor,
 * peak memory, and the share of time per stage.
 * Models with random weights are exported once by PyTorch into .cache/bench-models (speed does
 * not depend on the weights). Options: --seconds N (audio length), --threads N, --only name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeAudio } from '../audio-file/index.js';
import { mulberry32 } from '../dsp/index.js';
import { installedModelNames } from '../model/index.js';
import { repoPath } from '../paths.js';
import { hasCommand } from '../audio-io/jack-server.js';
import { formatLiveBench, runLiveBench } from './live-bench.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    threads: { type: 'string', default: '2' },
    only: { type: 'string' },
    // Live part: the shipped models (and any other dirs), headless, per latency setting.
    'live-models': { type: 'string' },
    // Separator delays; at 48 kHz / 256 the device and queues add 7 blocks (37.3 ms): 113 → 150 ms end to end.
    'live-latencies': { type: 'string', default: '113,200' },
    'live-seconds': { type: 'string', default: '60' },
    'live-dataset': { type: 'string' },
    'no-live': { type: 'boolean', default: false },
    'no-offline': { type: 'boolean', default: false },
  },
});

const python = process.env.STEMSTREAM_PYTHON ?? '/usr/bin/python3';
const cache = repoPath('.cache', 'bench-models');
const sizes = ['f32', 'f64', 'live', 'rnn512', 'thesis'].filter((s) => !values.only || values.only.split(',').includes(s));

function ensureModels(): void {
  if (sizes.every((s) => existsSync(join(cache, s, 'model.json')))) return;
  mkdirSync(cache, { recursive: true });
  process.stderr.write(`exporting benchmark models with ${python} …\n`);
  execFileSync(python, [repoPath('training', 'scripts', 'make_bench_models.py'), cache], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A music-like test signal: a few harmonic voices with vibrato and a little noise, stereo 44.1 kHz. */
async function makeInput(seconds: number): Promise<string> {
  const path = repoPath('.cache', `bench-${seconds}s-44100-stereo.wav`);
  if (existsSync(path)) return path;
  const rate = 44100;
  const n = Math.round(seconds * rate);
  const rand = mulberry32(7);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  const voices = [110, 164.8, 220, 329.6, 440];
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    let s = 0;
    voices.forEach((f, v) => {
      for (let k = 1; k <= 6; k++) s += (0.04 / k) * Math.sin(2 * Math.PI * f * k * t * (1 + 0.002 * Math.sin(5 * t + v)));
    });
    const noise = (rand() - 0.5) * 0.02;
    l[i] = s + noise;
    r[i] = 0.8 * s - noise;
  }
  await writeAudio(path, { sampleRate: rate, channels: [l, r] }, { format: 'wav', bits: 16 });
  return path;
}

function pct(part: number, total: number): string {
  return `${((100 * part) / total).toFixed(1)}%`;
}

async function offline(): Promise<void> {
  ensureModels();
  const seconds = Number(values.seconds);
  const input = await makeInput(seconds);
  process.stdout.write(`offline separation, ${seconds} s of 44.1 kHz stereo, ${values.threads} inference threads, CPU\n\n`);
  process.stdout.write('model    params     RTF     x realtime  peak RSS  read   write  inference  resample+STFT+ISTFT+stitch  (STFT / ISTFT / resample alone)\n');
  const script = new URL('./separation-bench.js', import.meta.url).pathname;
  for (const size of sizes) {
    const out = execFileSync(process.execPath, [script, join(cache, size), input, String(values.threads)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    const s = r.seconds;
    const total = r.elapsed_s;
    process.stdout.write(
      `${size.padEnd(8)} ${String(r.params).padEnd(10)} ${r.rtf.toFixed(3).padEnd(7)} ${(1 / r.rtf).toFixed(1).padEnd(11)} ${r.peak_rss_mb.toFixed(0).padStart(5)} MB  ` +
        `${pct(s.read, total).padEnd(6)} ${pct(s.write, total).padEnd(6)} ${pct(s.inference, total).padEnd(10)} ${pct(s.other_dsp, total).padEnd(27)} ` +
        `(${s.stft_alone.toFixed(3)} s / ${s.istft_alone.toFixed(3)} s / ${s.resample_both_ways_alone.toFixed(3)} s)\n`,
    );
  }
}

async function live(): Promise<void> {
  const models = values['live-models'] ? values['live-models'].split(',') : installedModelNames().filter((m) => ['guitar', 'piano'].includes(m));
  if (models.length === 0) {
    process.stdout.write('\nlive: no shipped guitar/piano model installed; pass --live-models DIR,…\n');
    return;
  }
  process.stdout.write(`\nlive separation, headless (demo clip → null output), ${values['live-seconds']} s per row\n`);
  const common = {
    models,
    latenciesMs: String(values['live-latencies']).split(',').map(Number),
    seconds: Number(values['live-seconds']),
    lookahead: 'auto',
    hopInterval: 'auto',
  } as const;
  const rows = await runLiveBench({ ...common, dataset: values['live-dataset'] });
  process.stdout.write(formatLiveBench(rows));
  // The same through a real audio API, where the end-to-end latency is counted, not estimated.
  if (hasCommand('jackd')) {
    process.stdout.write(`\nlive separation through JACK (dummy driver, 48 kHz, 256 frames), ${values['live-seconds']} s per row\n`);
    process.stdout.write(formatLiveBench(await runLiveBench({ ...common, jack: true })));
  }
}

if (!values['no-offline']) await offline();
if (!values['no-live']) await live();
