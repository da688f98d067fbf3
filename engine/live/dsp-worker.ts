/**
 * The DSP thread of the live engine: device input (or a looping buffer) → streaming separator →
 * mixer → device output, one block at a time. It talks to the audio worker through SPSC audio
 * rings, to the control thread through a parameter ring (in) and shared meters/stats (out), and
 * to inference through the worker port. Nothing here waits on inference.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { Mixer } from '../mixer/index.js';
import { loadModel } from '../model/index.js';
import { AudioRing, NICE, ParamRing, setThreadNice } from '../realtime/index.js';
import { separatorModel } from '../separator/index.js';
import { StreamingSeparator, WorkerInferencePort, type StreamingConfig } from '../streaming/index.js';
import { chooseHopInterval, chooseLookahead } from './choose-hop-interval.js';
import { FileTransport } from './file-transport.js';
import { LIVE_STAT_COUNT, LiveStat, type DspWorkerData } from './live-shared.js';
import { SpectrumTap } from './spectrum-tap.js';

const data = workerData as DspWorkerData;
const stats = new Float64Array(data.stats);
const B = data.blockFrames;
const NB = 2; // stereo in
/** Auto lookahead stops here: a few frames of future context give most of the quality. */
const AUTO_MAX_LOOKAHEAD = 4;
/** Longest sleep of the idle DSP loop: how soon a `stop` is seen when the device is silent. */
const WAIT_MS = 20;

async function main(): Promise<void> {
  setThreadNice(NICE.dsp);
  // The model is loaded here only for its manifest; inference runs in its own worker.
  const model = await loadModel(data.modelDir, { threads: 1 });
  const sepModel = separatorModel(model);
  const port = await WorkerInferencePort.start({
    modelDir: data.modelDir,
    nbBins: model.nbBins,
    chunkFrames: model.chunkFrames,
    threads: data.threads,
    device: data.device,
    lowPriority: true,
  });
  await model.dispose();
  // K = 0: pick it from the inference time measured at start-up; L < 0: the largest lookahead
  // the latency leaves room for (see chooseLookahead).
  const hopMs = (1000 * sepModel.stft.hop) / sepModel.sampleRate;
  const auto = data.hopInterval <= 0;
  const configFor = (k: number, l: number): StreamingConfig => ({
    model: sepModel, sampleRate: data.sampleRate, nbChannels: NB, blockFrames: B, hopInterval: k, lookahead: Math.min(l, model.chunkFrames - k), latencyMs: data.latencyMs,
  });
  const plan = await StreamingSeparator.planner(sepModel, data.sampleRate, NB);
  const budgetMs = (k: number, l: number): number => {
    try {
      return plan(configFor(k, l)).inferenceBudgetMs;
    } catch {
      return Number.NaN; // the latency cannot hold this K and L at all
    }
  };
  const fixedL = Math.max(0, data.lookahead);
  let hopInterval = auto
    ? chooseHopInterval(port.startupMs, { hopMs, chunkFrames: model.chunkFrames, budgetMs: (k) => budgetMs(k, fixedL) })
    : data.hopInterval;
  const lookaheadFor = (k: number): number =>
    data.lookahead >= 0 ? data.lookahead : chooseLookahead((l) => budgetMs(k, l), port.startupMs, { maxLookahead: AUTO_MAX_LOOKAHEAD });
  let sep: StreamingSeparator | null = null;
  while (sep === null) {
    try {
      sep = await StreamingSeparator.create(configFor(hopInterval, lookaheadFor(hopInterval)), port);
    } catch (e) {
      // auto K: a K too large for the requested latency falls back to the largest K that fits
      // (the model may then miss deadlines: the report says so)
      if (auto && hopInterval > 1 && (e as { code?: string }).code === 'SS_ERR_BAD_OPTION') {
        hopInterval--;
        continue;
      }
      await port.close();
      throw e;
    }
  }
  const mixer = new Mixer({ sampleRate: data.sampleRate, outputChannels: data.outputChannels, meters: new Float32Array(data.meters) });
  const input = data.inputRing ? new AudioRing(data.inputRing, NB) : null;
  const output = new AudioRing(data.outputRing, data.outputChannels);
  const params = new ParamRing(data.paramRing);
  const transportParams = new ParamRing(data.transportRing);
  const capture = data.captureRing ? new AudioRing(data.captureRing, data.outputChannels) : null;
  const spectrum = data.spectrum ? new SpectrumTap(data.spectrum, data.sampleRate) : null;
  stats[LiveStat.SEPARATOR_LATENCY_FRAMES] = sep.plan.latencyFrames;
  stats[LiveStat.STRUCTURAL_FRAMES] = sep.plan.structuralFrames;
  stats[LiveStat.HOP_INTERVAL] = sep.plan.hopInterval;
  stats[LiveStat.LOOKAHEAD] = sep.plan.lookahead;

  const inBlock = [new Float32Array(B), new Float32Array(B)];
  const inst = [new Float32Array(B), new Float32Array(B)];
  const rest = [new Float32Array(B), new Float32Array(B)];
  const out = Array.from({ length: data.outputChannels }, () => new Float32Array(B));
  const msg = { paramIndex: 0, value: 0 };
  const transport = data.source.kind === 'buffer' ? new FileTransport(data.source.channels, data.transportRampFrames) : null;
  let queueSum = 0;
  let firstSignal = -1;
  let inputFrames = 0;
  stats[LiveStat.FIRST_SIGNAL_FRAME] = -1;
  if (transport) {
    stats[LiveStat.DURATION_FRAMES] = transport.lengthFrames;
    publishTransport(transport);
  }
  let stopping = false;
  parentPort?.on('message', (m: { type: string }) => {
    if (m.type === 'stop') stopping = true;
  });
  if (input) {
    // The DSP's own margin: without it the device would take each block one period after its
    // input arrived, and any stall longer than that would be a dropout.
    for (const ch of out) ch.fill(0);
    for (let i = 0; i < data.dspQueueBlocks; i++) {
      output.pushPlanar(out, B);
      capture?.pushPlanar(out, B);
    }
  }
  stats[LiveStat.READY] = 1;
  parentPort?.postMessage({ type: 'ready', plan: sep.plan, startupInferenceMs: port.startupMs });

  while (!stopping) {
    // Pace: a device input gives a block when the device has captured one; a buffer source
    // produces whenever the output queue is below its target (the output device drains it).
    // Marks first, then the checks: a move between the two still wakes the wait at once.
    const inputMark = input ? input.ring.writeMark() : 0;
    const outputMark = output.ring.readMark();
    const haveInput = input ? input.availableReadFrames() >= B : output.availableReadFrames() < data.targetQueueFrames;
    if (!haveInput || output.availableWriteFrames() < B) {
      // sleep until the device moves (not a timer: a 1 ms timer wakes up to ~1 ms late, which
      // is most of a 64-frame period); the timeout only lets `stop` through
      await (input && !haveInput ? input.ring.waitForPush(inputMark, WAIT_MS) : output.ring.waitForPop(outputMark, WAIT_MS));
      continue;
    }
    const t0 = performance.now();
    if (input) {
      input.popPlanar(inBlock, B);
    } else if (transport) {
      while (transportParams.dequeue(msg)) transport.command(msg.paramIndex, msg.value);
      transport.render(inBlock, B);
      publishTransport(transport);
    }
    if (firstSignal < 0) {
      for (let i = 0; i < B && firstSignal < 0; i++) if (inBlock[0][i] !== 0 || inBlock[1][i] !== 0) firstSignal = inputFrames + i;
      stats[LiveStat.FIRST_SIGNAL_FRAME] = firstSignal;
    }
    inputFrames += B;
    stats[LiveStat.INPUT_FRAMES] = inputFrames;
    while (params.dequeue(msg)) mixer.setParam(msg.paramIndex, msg.value);
    sep.processBlock(inBlock, inst, rest);
    mixer.process(inst, rest, delayedDry(sep, inBlock, inst, rest), out, B);
    spectrum?.push(inst, rest, B);
    queueSum += output.availableReadFrames();
    const placed = output.pushPlanar(out, B);
    capture?.pushPlanar(out, B);
    stats[LiveStat.OUTPUT_OVERRUN_FRAMES] += B - placed;
    stats[LiveStat.BLOCKS] += 1;
    stats[LiveStat.FRAMES] += B;
    stats[LiveStat.REQUESTS] = sep.counters.requests;
    stats[LiveStat.DEADLINE_MISSES] = sep.counters.deadlineMisses;
    stats[LiveStat.UNDERFLOW_FRAMES] = sep.counters.underflowFrames;
    stats[LiveStat.OUTPUT_QUEUE_MEAN] = queueSum / stats[LiveStat.BLOCKS];
    const t = port.stats;
    stats[LiveStat.INFERENCE_MS_MEAN] = t.meanMs;
    stats[LiveStat.INFERENCE_MS_MAX] = t.maxMs;
    stats[LiveStat.INFERENCE_COUNT] = t.count;
    const dt = performance.now() - t0;
    stats[LiveStat.DSP_MS_TOTAL] += dt;
    if (dt > stats[LiveStat.DSP_MS_MAX]) stats[LiveStat.DSP_MS_MAX] = dt;
  }
  await sep.close();
  parentPort?.postMessage({ type: 'stopped' });
  parentPort?.close();
}

function publishTransport(t: FileTransport): void {
  stats[LiveStat.POSITION] = t.positionFrames;
  stats[LiveStat.PLAYING] = t.playing ? 1 : 0;
  stats[LiveStat.LOOP_ON] = t.loopOn ? 1 : 0;
  stats[LiveStat.LOOP_START_FRAMES] = t.loopStartFrames;
  stats[LiveStat.LOOP_END_FRAMES] = t.loopEndFrames;
}

/** Bypass plays the input as it was, delayed like the stems: instrument + rest is exactly that. */
const dry = [new Float32Array(B), new Float32Array(B)];
function delayedDry(_sep: StreamingSeparator, _in: Float32Array[], inst: Float32Array[], rest: Float32Array[]): Float32Array[] {
  for (let c = 0; c < NB; c++) for (let i = 0; i < B; i++) dry[c][i] = inst[c][i] + rest[c][i];
  return dry;
}

if (stats.length !== LIVE_STAT_COUNT) throw new Error('stats buffer size mismatch');
main().catch((e) => {
  parentPort?.postMessage({ type: 'failed', message: describeError(e), code: (e as { code?: string }).code ?? 'SS_ERR_INTERNAL' });
});
