import type { SeparatorModel, StemProcessor, StemSink } from '../separator/index.js';
import { DirectInferencePort } from './inference-port.js';
import { StreamingSeparator, type StreamingPlan } from './streaming-separator.js';

export interface StreamingRenderOptions {
  blockFrames: number;
  hopInterval: number;
  lookahead: number;
  latencyMs?: number;
}

/**
 * Runs the live algorithm over a file (`separate --streaming`): the same blocks, K and L as a
 * live run, waiting for each mask instead of missing it. The live delay is removed so the stems
 * line up with the input: the first `latency` output samples are dropped and the end is flushed
 * with silence, so outputs have the input's exact length.
 */
export class StreamingFileProcessor implements StemProcessor {
  private readonly B: number;
  private readonly pendingIn: Float32Array[];
  private pendingCount = 0;
  private readonly outInst: Float32Array[];
  private readonly outRest: Float32Array[];
  private toSkip: number;
  private inputFrames = 0;
  private outputFrames = 0;

  private constructor(
    private readonly sep: StreamingSeparator,
    private readonly nbChannels: number,
    private readonly sink: StemSink,
    blockFrames: number,
  ) {
    this.B = blockFrames;
    this.pendingIn = Array.from({ length: nbChannels }, () => new Float32Array(blockFrames));
    this.outInst = Array.from({ length: nbChannels }, () => new Float32Array(blockFrames));
    this.outRest = Array.from({ length: nbChannels }, () => new Float32Array(blockFrames));
    this.toSkip = sep.plan.latencyFrames;
  }

  static async create(
    model: SeparatorModel,
    sampleRate: number,
    nbChannels: number,
    sink: StemSink,
    options: StreamingRenderOptions,
  ): Promise<StreamingFileProcessor> {
    const sep = await StreamingSeparator.create(
      { model, sampleRate, nbChannels, blockFrames: options.blockFrames, hopInterval: options.hopInterval, lookahead: options.lookahead, latencyMs: options.latencyMs },
      new DirectInferencePort(model.mask),
    );
    return new StreamingFileProcessor(sep, nbChannels, sink, options.blockFrames);
  }

  get plan(): StreamingPlan {
    return this.sep.plan;
  }

  async push(block: Float32Array[]): Promise<void> {
    const n = block[0]?.length ?? 0;
    this.inputFrames += n;
    let at = 0;
    while (at < n) {
      const take = Math.min(this.B - this.pendingCount, n - at);
      for (let c = 0; c < this.nbChannels; c++) this.pendingIn[c].set(block[c].subarray(at, at + take), this.pendingCount);
      this.pendingCount += take;
      at += take;
      if (this.pendingCount === this.B) await this.runBlock();
    }
  }

  async finish(): Promise<void> {
    // Silence after the end pushes the last real samples through the fixed delay.
    while (this.outputFrames < this.inputFrames) {
      for (let c = 0; c < this.nbChannels; c++) this.pendingIn[c].fill(0, this.pendingCount);
      this.pendingCount = this.B;
      await this.runBlock();
    }
    await this.sep.close();
  }

  private async runBlock(): Promise<void> {
    await this.sep.processBlockWaiting(this.pendingIn, this.outInst, this.outRest);
    this.pendingCount = 0;
    let from = 0;
    if (this.toSkip > 0) {
      from = Math.min(this.toSkip, this.B);
      this.toSkip -= from;
    }
    const count = Math.min(this.B - from, this.inputFrames - this.outputFrames);
    if (count <= 0) return;
    this.outputFrames += count;
    await this.sink(
      this.outInst.map((c) => c.slice(from, from + count)),
      this.outRest.map((c) => c.slice(from, from + count)),
    );
  }
}
