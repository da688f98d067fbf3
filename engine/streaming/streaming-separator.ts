import { StemstreamError } from '../errors.js';
import { StreamingIstft, StreamingStft, createStreamingResampler, type StreamingResampler } from '../dsp/index.js';
import type { SeparatorModel } from '../separator/index.js';
import type { InferencePort } from './inference-port.js';
import { SampleFifo } from './sample-fifo.js';

export interface StreamingConfig {
  model: SeparatorModel;
  /** Device (input and output) rate, Hz. */
  sampleRate: number;
  nbChannels: number;
  /** Frames per processBlock call; the live engine's block. Offline renders must use the same. */
  blockFrames: number;
  /** K: run the model every K new STFT frames (hops). */
  hopInterval: number;
  /** L: frames of lookahead — a frame's mask is taken L frames left of the window's right edge. */
  lookahead: number;
  /** Input-to-output delay in ms. Default: the structural minimum (no time for inference). */
  latencyMs?: number;
}

/** The timing a configuration implies, all in device samples unless named otherwise. */
export interface StreamingPlan {
  hopInterval: number;
  lookahead: number;
  /** Delay from input to output: every output sample n is made from inputs up to n. */
  latencyFrames: number;
  latencyMs: number;
  /** The least possible delay for K and L (window length + lookahead + waiting for K frames + resamplers). */
  structuralFrames: number;
  structuralMs: number;
  /** What is left for one inference to finish in: latency − structural. */
  inferenceBudgetMs: number;
  /** The STFT window alone: the physical floor of any mask-on-STFT separator with this framing. */
  windowFloorMs: number;
}

export interface StreamingCounters {
  /** Inference requests made. */
  requests: number;
  /** Requests whose mask was not there in time: their frames used the last mask. */
  deadlineMisses: number;
  /** Output samples that had to be zero because the pipeline had nothing (should stay 0). */
  underflowFrames: number;
}

interface Pending {
  seq: number;
  /** First and last frame whose mask this request provides. */
  first: number;
  last: number;
  /** Frame index at the window's first column. */
  windowStart: number;
}

/**
 * The live separation algorithm, block by block, with a fixed input-to-output delay.
 *
 * Input → resample to model rate → streaming STFT per channel. Every K frames the magnitude of
 * the last `chunkFrames` frames (mono downmix) is sent to the model; the mask columns L frames
 * left of the right edge, K of them, become the masks of those frames, which then go through the
 * streaming ISTFT, back to the device rate, and out after a fixed delay; rest = delayed input −
 * instrument. The output depends only on the input and the masks, never on timing — so a live run
 * without missed deadlines and the offline `--streaming` render (which waits instead of missing)
 * produce the same samples.
 *
 * Never waits in `processBlock`: if a mask is late when its frames are due, the frames use the
 * last mask (the ISTFT overlap cross-fades the change) and the miss is counted; the late answer
 * is dropped, and the next one brings the model back.
 */
export class StreamingSeparator {
  readonly plan: StreamingPlan;
  readonly counters: StreamingCounters = { requests: 0, deadlineMisses: 0, underflowFrames: 0 };

  private readonly nbChannels: number;
  private readonly nbBins: number;
  private readonly chunkFrames: number;
  private readonly K: number;
  private readonly L: number;
  private readonly stfts: StreamingStft[];
  private readonly istfts: StreamingIstft[];
  // Frames kept for the model window and until their mask is applied: ring of `capacity` frames.
  private readonly capacity: number;
  private readonly specRe: Float32Array[];
  private readonly specIm: Float32Array[];
  private readonly mags: Float32Array;
  private readonly window: Float32Array;
  private readonly maskOut: Float32Array;
  private readonly lastMask: Float32Array;
  private readonly frameRe: Float32Array;
  private readonly frameIm: Float32Array;
  private readonly istftScratch: Float32Array[];
  private readonly istftViews: Float32Array[];
  private readonly pending: Pending[] = [];
  private readonly maxPending: number;
  private framesMade = 0;
  private framesRendered = 0;
  private nextSeq = 0;
  private readonly delayedInput: SampleFifo[];
  private readonly instrument: SampleFifo[];
  private readonly instScratch: Float32Array;

  private constructor(
    config: StreamingConfig,
    private readonly port: InferencePort,
    private readonly toModel: StreamingResampler | null,
    private readonly fromModel: StreamingResampler | null,
    plan: StreamingPlan,
  ) {
    const { model } = config;
    this.plan = plan;
    this.nbChannels = config.nbChannels;
    this.nbBins = model.mask.nbBins;
    this.chunkFrames = model.mask.chunkFrames;
    this.K = config.hopInterval;
    this.L = config.lookahead;
    this.stfts = Array.from({ length: this.nbChannels }, () => new StreamingStft(model.stft));
    this.istfts = Array.from({ length: this.nbChannels }, () => new StreamingIstft(model.stft));
    this.maxPending = 1 + Math.ceil(plan.latencyFrames / Math.max(1, config.blockFrames));
    this.capacity = this.chunkFrames + this.L + this.K * (this.maxPending + 2) + 8;
    this.specRe = Array.from({ length: this.nbChannels }, () => new Float32Array(this.capacity * this.nbBins));
    this.specIm = Array.from({ length: this.nbChannels }, () => new Float32Array(this.capacity * this.nbBins));
    this.mags = new Float32Array(this.capacity * this.nbBins);
    this.window = new Float32Array(this.nbBins * this.chunkFrames);
    this.maskOut = new Float32Array(this.nbBins * this.chunkFrames);
    this.lastMask = new Float32Array(this.nbBins); // before any answer: all rest (the dry mix)
    this.frameRe = new Float32Array(this.nbBins);
    this.frameIm = new Float32Array(this.nbBins);
    this.istftScratch = Array.from({ length: this.nbChannels }, () => new Float32Array(model.stft.nFft * 4));
    this.istftViews = new Array<Float32Array>(this.nbChannels);
    const fifoCapacity = plan.latencyFrames + 4 * config.blockFrames + 8192;
    this.delayedInput = Array.from({ length: this.nbChannels }, () => new SampleFifo(fifoCapacity));
    this.instrument = Array.from({ length: this.nbChannels }, () => new SampleFifo(fifoCapacity));
    this.instScratch = new Float32Array(Math.max(config.blockFrames, 1));
    for (let c = 0; c < this.nbChannels; c++) {
      this.delayedInput[c].writeZeros(plan.latencyFrames);
      this.instrument[c].writeZeros(plan.latencyFrames);
    }
  }

  static async create(config: StreamingConfig, port: InferencePort): Promise<StreamingSeparator> {
    StreamingSeparator.checkConfig(config);
    const { model, sampleRate, nbChannels } = config;
    const same = sampleRate === model.sampleRate;
    const toModel = same ? null : await createStreamingResampler(nbChannels, sampleRate, model.sampleRate);
    const fromModel = same ? null : await createStreamingResampler(nbChannels, model.sampleRate, sampleRate);
    const plan = planLatency(config, toModel?.latencyOutputFrames ?? 0, fromModel?.latencyOutputFrames ?? 0);
    return new StreamingSeparator(config, port, toModel, fromModel, plan);
  }

  /**
   * The plans `create` would make (throwing as it would) for any K and L at this model, rate and
   * channel count, without building a separator: the resamplers' delays are read once.
   */
  static async planner(model: SeparatorModel, sampleRate: number, nbChannels: number): Promise<(config: StreamingConfig) => StreamingPlan> {
    let toModelLatency = 0;
    let fromModelLatency = 0;
    if (sampleRate !== model.sampleRate) {
      const toModel = await createStreamingResampler(nbChannels, sampleRate, model.sampleRate);
      const fromModel = await createStreamingResampler(nbChannels, model.sampleRate, sampleRate);
      toModelLatency = toModel.latencyOutputFrames;
      fromModelLatency = fromModel.latencyOutputFrames;
      toModel.destroy();
      fromModel.destroy();
    }
    return (config) => {
      StreamingSeparator.checkConfig(config);
      return planLatency(config, toModelLatency, fromModelLatency);
    };
  }

  private static checkConfig(config: StreamingConfig): void {
    const { model, nbChannels, blockFrames, hopInterval: K, lookahead: L } = config;
    if (!Number.isInteger(K) || K < 1 || K > model.mask.chunkFrames / 2) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `hop interval must be an integer in 1..${model.mask.chunkFrames / 2}, got ${K}`);
    }
    if (!Number.isInteger(L) || L < 0 || L + K > model.mask.chunkFrames) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `lookahead must be an integer in 0..${model.mask.chunkFrames - K}, got ${L}`);
    }
    if (!Number.isInteger(blockFrames) || blockFrames < 1 || blockFrames > 65536) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `block size must be an integer in 1..65536, got ${blockFrames}`);
    }
    if (!Number.isInteger(nbChannels) || nbChannels < 1) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `channel count must be a positive integer, got ${nbChannels}`);
    }
  }

  /**
   * Live: one block in, one block out (planar, `blockFrames` each), never waiting. Allocation:
   * the WASM resamplers allocate their output arrays; everything else is preallocated.
   */
  processBlock(input: Float32Array[], outInstrument: Float32Array[], outRest: Float32Array[]): void {
    this.ingest(input);
    this.applyReady();
    const n = input[0].length;
    while (this.instrument[0].available < n && this.pending.length > 0) this.fallback(this.pending[0]);
    this.emit(input, outInstrument, outRest);
  }

  /** Offline `--streaming`: the same, but waits for a late mask instead of falling back. */
  async processBlockWaiting(input: Float32Array[], outInstrument: Float32Array[], outRest: Float32Array[]): Promise<void> {
    this.ingest(input);
    this.applyReady();
    const n = input[0].length;
    while (this.instrument[0].available < n && this.pending.length > 0) {
      const p = this.pending[0];
      await this.port.wait(p.seq, this.maskOut);
      this.pending.shift();
      this.render(p, this.maskOut);
    }
    this.emit(input, outInstrument, outRest);
  }

  private ingest(input: Float32Array[]): void {
    if (input.length !== this.nbChannels) {
      throw new StemstreamError('SS_ERR_INTERNAL', `block has ${input.length} channels, expected ${this.nbChannels}`);
    }
    for (let c = 0; c < this.nbChannels; c++) this.delayedInput[c].write(input[c]);
    const modelBlock = this.toModel ? this.toModel.process(input) : input;
    for (let c = 0; c < this.nbChannels; c++) {
      const last = c === this.nbChannels - 1;
      this.stfts[c].push(modelBlock[c], (re, im, frame) => this.onFrame(c, re, im, frame, last));
    }
    // Too many requests in flight (inference far behind): the oldest cannot be waited for.
    while (this.pending.length > this.maxPending) this.fallback(this.pending[0]);
  }

  private onFrame(channel: number, re: Float32Array, im: Float32Array, frame: number, last: boolean): void {
    const nbBins = this.nbBins;
    const off = (frame % this.capacity) * nbBins;
    this.specRe[channel].set(re.subarray(0, nbBins), off);
    this.specIm[channel].set(im.subarray(0, nbBins), off);
    if (!last) return;
    // Mono magnitude = |mean of the channel spectra| (the STFT of the downmix).
    const inv = 1 / this.nbChannels;
    for (let b = 0; b < nbBins; b++) {
      let sr = 0;
      let si = 0;
      for (let c = 0; c < this.nbChannels; c++) {
        sr += this.specRe[c][off + b];
        si += this.specIm[c][off + b];
      }
      this.mags[off + b] = Math.hypot(sr * inv, si * inv);
    }
    this.framesMade = frame + 1;
    if (this.framesMade % this.K === 0) this.request(frame);
  }

  /** Window of frames [newest − C + 1, newest] → model; it answers for K frames ending L before newest. */
  private request(newest: number): void {
    const C = this.chunkFrames;
    const nbBins = this.nbBins;
    const windowStart = newest - C + 1;
    for (let i = 0; i < C; i++) {
      const f = windowStart + i;
      if (f < 0) {
        for (let b = 0; b < nbBins; b++) this.window[b * C + i] = 0;
        continue;
      }
      const off = (f % this.capacity) * nbBins;
      for (let b = 0; b < nbBins; b++) this.window[b * C + i] = this.mags[off + b];
    }
    const last = newest - this.L;
    const first = Math.max(0, last - this.K + 1);
    const seq = this.nextSeq++;
    this.counters.requests++;
    this.port.submit(seq, this.window);
    if (last >= 0) this.pending.push({ seq, first, last, windowStart });
    else this.port.drop(seq); // covers no frame yet (stream start)
  }

  private applyReady(): void {
    while (this.pending.length > 0 && this.port.poll(this.pending[0].seq, this.maskOut)) {
      const p = this.pending.shift() as Pending;
      this.render(p, this.maskOut);
    }
  }

  private fallback(p: Pending): void {
    this.pending.shift();
    this.port.drop(p.seq);
    this.counters.deadlineMisses++;
    this.render(p, null);
  }

  /** Applies the mask (or the last mask) to the request's frames and runs them through the ISTFT. */
  private render(p: Pending, mask: Float32Array | null): void {
    const C = this.chunkFrames;
    const nbBins = this.nbBins;
    for (let f = p.first; f <= p.last; f++) {
      if (f < this.framesRendered) continue;
      if (mask !== null) {
        const col = f - p.windowStart;
        for (let b = 0; b < nbBins; b++) this.lastMask[b] = mask[b * C + col];
      }
      const off = (f % this.capacity) * nbBins;
      for (let c = 0; c < this.nbChannels; c++) {
        const re = this.specRe[c];
        const im = this.specIm[c];
        for (let b = 0; b < nbBins; b++) {
          this.frameRe[b] = this.lastMask[b] * re[off + b];
          this.frameIm[b] = this.lastMask[b] * im[off + b];
        }
        this.istfts[c].pushFrame(this.frameRe, this.frameIm);
      }
      this.framesRendered = f + 1;
      this.collect();
    }
  }

  /** Moves final ISTFT samples through the back-resampler into the instrument FIFO. */
  private collect(): void {
    for (;;) {
      const n = this.istfts[0].available();
      if (n === 0) return;
      const m = Math.min(n, this.istftScratch[0].length);
      for (let c = 0; c < this.nbChannels; c++) {
        this.istfts[c].read(this.istftScratch[c], 0, m);
        this.istftViews[c] = this.istftScratch[c].subarray(0, m);
      }
      const block = this.istftViews;
      const back = this.fromModel ? this.fromModel.process(block) : block;
      for (let c = 0; c < this.nbChannels; c++) this.instrument[c].write(back[c]);
    }
  }

  private emit(input: Float32Array[], outInstrument: Float32Array[], outRest: Float32Array[]): void {
    const n = input[0].length;
    for (let c = 0; c < this.nbChannels; c++) {
      const inst = outInstrument[c];
      const got = this.instrument[c].read(inst, 0, n);
      if (got < n) {
        inst.fill(0, got, n);
        if (c === 0) this.counters.underflowFrames += n - got;
      }
      const rest = outRest[c];
      this.delayedInput[c].read(rest, 0, n);
      for (let i = 0; i < n; i++) rest[i] -= inst[i];
    }
  }

  async close(): Promise<void> {
    this.toModel?.destroy();
    this.fromModel?.destroy();
    await this.port.close();
  }
}

/** The delay a configuration needs. Exported for `stemstream live` to pick K and L for a budget. */
export function planLatency(config: StreamingConfig, toModelLatency: number, fromModelLatency: number): StreamingPlan {
  const { model, sampleRate, hopInterval: K, lookahead: L } = config;
  const { nFft, hop } = model.stft;
  const ratio = sampleRate / model.sampleRate;
  // Model-rate samples from an input sample to its instrument sample being final: the STFT/ISTFT
  // chain (nFft − 1), waiting for L frames of lookahead and for the K-th frame of a request,
  // and the resampler to the model rate; then the resampler back, at the device rate.
  const modelSide = nFft - 1 + (L + K - 1) * hop + toModelLatency;
  const structuralFrames = Math.ceil(modelSide * ratio) + fromModelLatency + 2;
  const requested = config.latencyMs === undefined ? structuralFrames : Math.round((config.latencyMs * sampleRate) / 1000);
  if (requested < structuralFrames) {
    throw new StemstreamError(
      'SS_ERR_BAD_OPTION',
      `latency ${config.latencyMs} ms is below the ${((1000 * structuralFrames) / sampleRate).toFixed(1)} ms this model needs with K=${K}, L=${L} (the STFT window alone is ${((1000 * nFft) / model.sampleRate).toFixed(1)} ms)`,
    );
  }
  const ms = (frames: number) => (1000 * frames) / sampleRate;
  return {
    hopInterval: K,
    lookahead: L,
    latencyFrames: requested,
    latencyMs: ms(requested),
    structuralFrames,
    structuralMs: ms(structuralFrames),
    inferenceBudgetMs: ms(requested - structuralFrames),
    windowFloorMs: (1000 * nFft) / model.sampleRate,
  };
}
