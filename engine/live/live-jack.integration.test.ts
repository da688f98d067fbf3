/**
 * The live engine through a real audio API: JACK (dummy driver, no sound card) via audify.
 * A probe client in its own process plays a known stereo mix into the engine's capture ports and
 * records two of the engine's output ports (instrument L, rest L; 4-channel output, mixer at
 * unity). Checks, for STEMSTREAM_JACK_SECONDS (default 6; CI sets 20):
 * - no dropped or repeated sample anywhere (device counters of both clients, and the recording
 *   equals the expected signal sample for sample over the whole run);
 * - the input→output latency measured by aligning the recording equals the engine's reported
 *   latency, to the frame;
 * - the recording equals the offline `--streaming` render (same block, K, L, latency) of what
 *   the engine received, within 1e-5, when no deadline was missed.
 * The probe's own round trip (its output queue + JACK's one-period loop delay) is measured
 * first by connecting the probe to itself, and subtracted.
 *
 * Skipped when jackd is not installed, unless CI is set (then it fails).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { isApiCompiled, RtAudioApi } from '../audio-io/index.js';
import { JackServer, canUseRealtime, hasCommand } from '../audio-io/jack-server.js';
import { repoPath } from '../paths.js';
import { siblingModuleUrl } from '../realtime/index.js';
import { probeSignal, type ProbeStart } from './jack-probe.js';
import { LiveEngine } from './live-engine.js';
import { LiveStat } from './live-shared.js';
import { referenceRender } from './reference-render.js';

const RATE = 48000;
const B = 256;
const PROBE_PREFILL = 6;
const ENGINE_PREFILL = Number(process.env.STEMSTREAM_ENGINE_PREFILL ?? 6);
/** Blocks the DSP keeps ahead: a correctness test, so a margin well beyond a scheduling hiccup. */
const DSP_QUEUE = Number(process.env.STEMSTREAM_DSP_QUEUE ?? 4);
const SECONDS = Number(process.env.STEMSTREAM_JACK_SECONDS ?? 6);
const ZERO_SECONDS = 1.5;
/** The report now counts the device's capture and playback periods, so nothing is left over. */
const JACK_GRAPH_EXTRA_FRAMES = 0;
const TINY = repoPath('engine', 'model', 'fixtures', 'tiny');
const K = 8;
const L = 1;
const LATENCY_MS = 600;
const haveJack = hasCommand('jackd') && hasCommand('jack_lsp') && hasCommand('jack_connect');
// A JACK server without real-time scheduling skips a client that the OS delayed past one period
// ("client was not finished"): a block is then dropped or repeated between the clients, which no
// client can see. JackServer runs jackd with SCHED_FIFO where this process may (root, CI); without
// it this test would measure the OS, not the engine, so it runs there only when asked for.
const realtime = canUseRealtime();
const skip = !haveJack
  ? process.env.CI ? false : 'jackd is not installed (apt-get install jackd2); set CI=1 to make this a failure'
  : realtime || process.env.CI || process.env.STEMSTREAM_LIVE_JACK === '1'
    ? false
    : 'no real-time JACK server here (chrt -f fails, or STEMSTREAM_JACK_REALTIME=0), so JACK would skip late clients; set STEMSTREAM_LIVE_JACK=1 to run anyway';

let server: JackServer;
let dir: string;

before(async () => {
  if (skip) return;
  server = new JackServer({ sampleRate: RATE, periodFrames: B, name: 'stemstream-live-test' });
  await server.start();
  dir = mkdtempSync(join(tmpdir(), 'ss-live-jack-'));
});

after(async () => {
  if (server !== undefined) await server.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface ProbeResult {
  rec: Float32Array[];
  stats: { underflowFrames: number; overflowFrames: number; deviceSilentBlocks: number; droppedOutputBlocks: number };
}

/** Runs the probe: `connect` is called once its ports exist; the probe stops after `seconds` + margin. */
async function runProbe(seconds: number, connect: () => void, whileRunning?: () => Promise<void>): Promise<ProbeResult> {
  const url = siblingModuleUrl(import.meta.url, 'jack-probe');
  const execArgv = url.pathname.endsWith('.ts') && !process.execArgv.join(' ').includes('tsx') ? [...process.execArgv, '--import', 'tsx'] : process.execArgv;
  const child: ChildProcess = fork(fileURLToPath(url), [], { execArgv, env: server.env(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const recordPath = join(dir, `probe-${Date.now()}.f32`);
  const messages: { type: string; message?: string; frames?: number; stats?: ProbeResult['stats'] }[] = [];
  let wake: () => void = () => undefined;
  child.on('message', (m: (typeof messages)[number]) => {
    messages.push(m);
    wake();
  });
  const next = async (type: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const failed = messages.find((m) => m.type === 'failed');
      if (failed) throw new Error(`probe failed: ${failed.message}`);
      const m = messages.find((x) => x.type === type);
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`probe: no '${type}' (exit ${child.exitCode})`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  try {
    const start: ProbeStart = { type: 'start', seconds, zeroSeconds: ZERO_SECONDS, seed: 11, sampleRate: RATE, bufferFrames: B, prefillBlocks: PROBE_PREFILL, recordPath };
    child.send(start);
    await next('opened', 15000);
    connect();
    await sleep((ZERO_SECONDS + seconds) * 1000 + 1500);
    await whileRunning?.();
    child.send({ type: 'stop' });
    const done = await next('done', 15000);
    const raw = new Float32Array(readFileSync(recordPath).buffer.slice(0));
    const n = done.frames as number;
    return { rec: [raw.subarray(0, n), raw.subarray(n, 2 * n)], stats: done.stats as ProbeResult['stats'] };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function firstNonZero(x: Float32Array): number {
  return x.findIndex((v) => v !== 0);
}

test('audify was built with JACK support', { skip }, () => {
  assert.ok(isApiCompiled(RtAudioApi.UNIX_JACK), 'audify has no JACK API: install libjack-jackd2-dev, then rebuild audify');
});

test(`live engine through JACK: ${SECONDS} s, no dropped or repeated sample, measured latency = reported, output = offline --streaming render`, { skip, timeout: (SECONDS * 4 + 90) * 1000 }, async () => {
  // 1. the probe's own round trip: its output connected to its input
  const calib = await runProbe(1, () => {
    server.connect('ssprobe:outport 0', 'ssprobe:inport 0');
    server.connect('ssprobe:outport 1', 'ssprobe:inport 1');
  });
  const { channels: signal, zeroFrames } = probeSignal({ seconds: SECONDS, zeroSeconds: ZERO_SECONDS, seed: 11, sampleRate: RATE });
  const playedAt = PROBE_PREFILL * B + zeroFrames; // probe output index of the signal's first frame
  const loopDelay = firstNonZero(calib.rec[0]) - playedAt;
  assert.ok(loopDelay >= 0 && loopDelay <= 4 * B, `probe loop delay ${loopDelay} frames`);
  assert.equal(firstNonZero(calib.rec[1]) - playedAt, loopDelay);

  // 2. the engine between the probe's output and input
  const engine = await LiveEngine.start({
    source: { kind: 'device' },
    output: { kind: 'device' },
    api: 'jack',
    streamName: 'ssengine',
    autoConnect: false,
    sampleRate: RATE,
    bufferFrames: B,
    outputChannels: 4,
    model: TINY,
    threads: 1,
    hopInterval: K,
    lookahead: L,
    latencyMs: LATENCY_MS,
    prefillBlocks: ENGINE_PREFILL,
    dspQueueBlocks: DSP_QUEUE,
  });
  let report: ReturnType<LiveEngine['report']>;
  let latencyFrames = 0;
  let probe: ProbeResult;
  let s = -1;
  let engineFrames = 0;
  try {
    probe = await runProbe(SECONDS, () => {
      server.connect('ssprobe:outport 0', 'ssengine:inport 0');
      server.connect('ssprobe:outport 1', 'ssengine:inport 1');
      server.connect('ssengine:outport 0', 'ssprobe:inport 0'); // instrument L
      server.connect('ssengine:outport 2', 'ssprobe:inport 1'); // rest L
    }, async () => {
      report = engine.report();
      latencyFrames = engine.latencyFrames();
      s = engine.statsView[LiveStat.FIRST_SIGNAL_FRAME];
      engineFrames = engine.statsView[LiveStat.INPUT_FRAMES];
    });
  } finally {
    await engine.stop();
  }
  report = report!;
  const dev = engine.deviceStats();
  const jackXruns = server.output.split('was not finished').length - 1;
  const summary = `JACK xruns ${jackXruns} (server ${server.realtime ? 'real-time' : 'not real-time'}), reported latency ${latencyFrames} frames (${report.latency_ms.toFixed(2)} ms; separator ${report.separator_latency_ms.toFixed(1)} ms), deadline misses ${report.deadline_misses}, engine device ${JSON.stringify(dev)}, probe ${JSON.stringify(probe.stats)}`;
  assert.ok(s >= 0, `the engine never received the signal; ${summary}`);
  assert.equal(dev.overflowFrames, 0, summary);
  assert.equal(dev.deviceSilentBlocks, 0, summary);
  assert.equal(probe.stats.deviceSilentBlocks, 0, summary);
  assert.equal(probe.stats.overflowFrames, 0, summary);

  // 3. what the engine heard: zeros until frame s, then the signal (both channels connected in the zeros)
  const n = engineFrames;
  const heard = signal.map((c) => {
    const x = new Float32Array(n);
    x.set(c.subarray(zeroFrames, zeroFrames + Math.max(0, n - s)), s);
    return x;
  });
  const ref = await referenceRender(heard, { modelDir: TINY, sampleRate: RATE, blockFrames: B, hopInterval: K, lookahead: L, latencyMs: LATENCY_MS });
  assert.equal(ref.latencyFrames, engine.plan.latencyFrames);

  // 4. find where the rest stem of the signal's start landed in the recording: the offset with the
  // least squared difference over 2048 frames, searched over 2 s (exact data match gives 0)
  const rec = probe.rec;
  const tpl = ref.rest[0].subarray(s + 4096, s + 4096 + 2048);
  let best = Infinity;
  let at = -1;
  for (let y = playedAt; y < Math.min(rec[1].length - tpl.length, playedAt + 2 * RATE); y++) {
    let acc = 0;
    for (let i = 0; i < tpl.length && acc < best; i++) acc += (rec[1][y + i] - tpl[i]) ** 2;
    if (acc < best) {
      best = acc;
      at = y;
    }
  }
  const y0 = at - 4096; // recording index of engine input frame s
  const measured = y0 - playedAt - loopDelay;
  console.log(`# live jack: measured latency ${measured} frames (${((1000 * measured) / RATE).toFixed(2)} ms), ${summary}, probe loop ${loopDelay} frames`);
  // The engine path (probe → engine → probe) takes exactly 2 periods more than the engine's own
  // ring-to-ring accounting plus the probe's self-loop; constant across prefill 2/3 and across
  // runs with different start-up underflows (see the report: JACK2's scheduling of two clients in
  // a feedback graph, not yet pinned down). Everything else is counted exactly.
  assert.equal(measured, latencyFrames + JACK_GRAPH_EXTRA_FRAMES, `measured ${measured} frames ≠ reported ${latencyFrames} + ${JACK_GRAPH_EXTRA_FRAMES}; ${summary}`);

  // 5. sample for sample over the whole run: recording = offline render. A JACK xrun (the server's
  // cycle not finished in time, which a loaded 2-core machine causes now and then) can drop,
  // repeat or zero a period *between the server and the probe*: after a mismatch the comparison
  // looks for the same data within ±(4 + xruns) periods and goes on from there. Each xrun may cost
  // one such re-alignment and a few periods; without xruns the whole run must match exactly.
  const cmp = compareAligned(rec, ref, s, y0, n, jackXruns);
  const signalCompared = Math.min(n, s + (rec[0].length - y0)) - s;
  console.log(`# live jack: compared ${cmp.compared} frames (${(signalCompared / RATE).toFixed(2)} s of signal), ${cmp.realigned} re-alignments, ${cmp.badFrames} frames unmatched, max |live − offline| on matched frames ${cmp.maxErr.toExponential(2)}`);
  assert.ok(signalCompared >= (SECONDS - 1) * RATE, `only ${signalCompared} frames of signal were recorded`);
  const allowedBad = jackXruns * 4 * B;
  if (report.deadline_misses === 0) {
    assert.ok(cmp.realigned <= jackXruns && cmp.badFrames <= allowedBad, `live differs from offline from engine frame ${cmp.firstBad}: ${cmp.realigned} re-alignments and ${cmp.badFrames} unmatched frames for ${jackXruns} JACK xruns; ${summary}`);
    assert.ok(cmp.compared >= (SECONDS - 2) * RATE, `only ${cmp.compared} frames matched; ${summary}`);
  }
  else assert.fail(`the tiny model missed ${report.deadline_misses} deadlines at K=${K}, ${LATENCY_MS} ms: the machine is too loaded for the equality check; ${summary}`);
});

/**
 * Compares the probe's recording (`rec[0]` instrument, `rec[1]` rest) with the offline render,
 * recording index `y0 + (x - s)` against engine frame `x`. After a mismatch it searches ±(4 + xruns)
 * periods for an offset where the next 512 frames match exactly and continues there (see step 5):
 * a burst of xruns can shift the recording by a period each before the data is clean again.
 */
function compareAligned(rec: Float32Array[], ref: { instrument: Float32Array[]; rest: Float32Array[] }, s: number, y0: number, n: number, xruns: number): { compared: number; realigned: number; badFrames: number; firstBad: number; maxErr: number } {
  const err = (x: number, y: number): number => Math.max(Math.abs(rec[0][y] - ref.instrument[0][x]), Math.abs(rec[1][y] - ref.rest[0][x]));
  const window = 512;
  const search = (4 + xruns) * B;
  const matches = (x: number, offset: number): boolean => {
    for (let i = 0; i < window && x + i < n; i++) {
      const y = x + i + offset;
      if (y < 0 || y >= rec[0].length || err(x + i, y) > 1e-5) return false;
    }
    return true;
  };
  let offset = y0 - s;
  let compared = 0;
  let realigned = 0;
  let badFrames = 0;
  let firstBad = -1;
  let maxErr = 0;
  for (let x = 0; x < n; ) {
    const y = x + offset;
    if (y < 0 || y >= rec[0].length) { x++; continue; }
    const e = err(x, y);
    if (e <= 1e-5) { maxErr = Math.max(maxErr, e); compared++; x++; continue; }
    if (firstBad < 0) firstBad = x;
    let found = 0;
    for (let d = 1; d <= search && found === 0; d++) {
      if (matches(x, offset + d)) found = d;
      else if (matches(x, offset - d)) found = -d;
    }
    if (found !== 0) { offset += found; realigned++; continue; }
    badFrames++;
    x++;
  }
  return { compared, realigned, badFrames, firstBad, maxErr };
}
