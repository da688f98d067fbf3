import { StemstreamError } from '../errors.js';
import type { MaskModel } from '../model/index.js';

export interface StitchOptions {
  /** Frames between chunk starts; must divide the model's chunk length. 32 of 64 = each frame seen twice. */
  stepFrames?: number;
  /** Chunks per inference call. */
  batchSize?: number;
}

/**
 * Cross-fade weight of frame i in a chunk: sin²(π(i + ½)/C). Strictly positive, so every frame has
 * weight; with step C/2 two neighbours sum to exactly 1, i.e. a constant-gain cross-fade with no seam.
 */
export function chunkWeights(chunkFrames: number): Float32Array {
  const w = new Float32Array(chunkFrames);
  for (let i = 0; i < chunkFrames; i++) w[i] = Math.sin((Math.PI * (i + 0.5)) / chunkFrames) ** 2;
  return w;
}

/**
 * Streaming chunked inference with overlapping chunks (offline path).
 *
 * Magnitude frames (frame-major, `nbBins` each) go in one at a time; masks for frames come out, in
 * order, once every chunk covering the frame has run. Chunks start at `k·step − (C − step)`, so
 * every frame is covered by C/step chunks, including the first (zero frames pad before 0 and after
 * the end, as silence). The mask of a frame is the weighted mean of the masks of the chunks that
 * cover it. Memory is bounded by (C + batch·step) frames whatever the input length.
 */
export class MaskStitcher {
  readonly nbBins: number;
  readonly chunkFrames: number;
  readonly stepFrames: number;
  readonly batchSize: number;
  /** Frames the first chunk reaches before frame 0. */
  readonly leadFrames: number;

  private readonly weights: Float32Array;
  private readonly capacity: number;
  private readonly mags: Float32Array; // ring of magnitude frames
  private readonly acc: Float32Array; // ring of weighted mask sums
  private readonly wsum: Float32Array; // ring of weight sums per frame
  private readonly batchInput: Float32Array;
  private framesIn = 0;
  private nextChunkStart: number;
  private framesOut = 0;
  private finished = false;

  constructor(
    private readonly model: MaskModel,
    private readonly onMask: (mask: Float32Array, frameIndex: number) => void,
    options: StitchOptions = {},
  ) {
    this.nbBins = model.nbBins;
    this.chunkFrames = model.chunkFrames;
    this.stepFrames = options.stepFrames ?? this.chunkFrames / 2;
    this.batchSize = options.batchSize ?? 4;
    if (!Number.isInteger(this.stepFrames) || this.stepFrames < 1 || this.chunkFrames % this.stepFrames !== 0) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `chunk step must divide the model's ${this.chunkFrames}-frame chunk, got ${this.stepFrames}`);
    }
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 256) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `batch size must be an integer in 1..256, got ${this.batchSize}`);
    }
    this.leadFrames = this.chunkFrames - this.stepFrames;
    this.nextChunkStart = -this.leadFrames;
    this.weights = chunkWeights(this.chunkFrames);
    this.capacity = this.chunkFrames + this.batchSize * this.stepFrames + this.stepFrames;
    this.mags = new Float32Array(this.capacity * this.nbBins);
    this.acc = new Float32Array(this.capacity * this.nbBins);
    this.wsum = new Float32Array(this.capacity);
    this.batchInput = new Float32Array(this.batchSize * this.nbBins * this.chunkFrames);
  }

  /** Adds the next magnitude frame (copied). Runs inference when a batch of chunks is ready. */
  async push(magnitude: Float32Array): Promise<void> {
    if (this.finished) throw new StemstreamError('SS_ERR_INTERNAL', 'MaskStitcher.push after finish');
    const slot = this.framesIn % this.capacity;
    this.mags.set(magnitude.subarray(0, this.nbBins), slot * this.nbBins);
    this.acc.fill(0, slot * this.nbBins, (slot + 1) * this.nbBins);
    this.wsum[slot] = 0;
    this.framesIn++;
    if (this.readyChunks() >= this.batchSize) await this.runChunks(this.batchSize);
  }

  /** No more frames: runs the remaining chunks (zero-padded past the end) and emits every mask. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.framesIn === 0) return;
    // Chunks that still cover a real frame: their start is before the last frame.
    while (this.nextChunkStart < this.framesIn) {
      const remaining = Math.ceil((this.framesIn - this.nextChunkStart) / this.stepFrames);
      await this.runChunks(Math.min(this.batchSize, remaining));
    }
    this.emit(this.framesIn);
  }

  /** Chunks whose frames have all arrived. */
  private readyChunks(): number {
    const lastStart = this.framesIn - this.chunkFrames; // newest start with all frames present
    if (lastStart < this.nextChunkStart) return 0;
    return Math.floor((lastStart - this.nextChunkStart) / this.stepFrames) + 1;
  }

  private async runChunks(count: number): Promise<void> {
    const { nbBins, chunkFrames } = this;
    const per = nbBins * chunkFrames;
    // Gather frame-major ring frames into [chunk, bin, frame] (the model's NCHW with H = bins).
    for (let c = 0; c < count; c++) {
      const start = this.nextChunkStart + c * this.stepFrames;
      const base = c * per;
      for (let i = 0; i < chunkFrames; i++) {
        const f = start + i;
        if (f < 0 || f >= this.framesIn) {
          for (let b = 0; b < nbBins; b++) this.batchInput[base + b * chunkFrames + i] = 0;
          continue;
        }
        const src = (f % this.capacity) * nbBins;
        for (let b = 0; b < nbBins; b++) this.batchInput[base + b * chunkFrames + i] = this.mags[src + b];
      }
    }
    const masks = await this.model.run(this.batchInput, count);
    for (let c = 0; c < count; c++) {
      const start = this.nextChunkStart + c * this.stepFrames;
      const base = c * per;
      for (let i = 0; i < chunkFrames; i++) {
        const f = start + i;
        if (f < this.framesOut || f >= this.framesIn) continue;
        const w = this.weights[i];
        const dst = (f % this.capacity) * nbBins;
        for (let b = 0; b < nbBins; b++) this.acc[dst + b] += w * masks[base + b * chunkFrames + i];
        this.wsum[f % this.capacity] += w;
      }
    }
    this.nextChunkStart += count * this.stepFrames;
    // Frames before the next chunk's start are covered by no further chunk: final.
    this.emit(Math.min(this.nextChunkStart, this.framesIn));
  }

  private emit(upTo: number): void {
    const { nbBins } = this;
    while (this.framesOut < upTo) {
      const slot = this.framesOut % this.capacity;
      const m = this.acc.subarray(slot * nbBins, (slot + 1) * nbBins);
      const inv = 1 / this.wsum[slot];
      for (let b = 0; b < nbBins; b++) m[b] *= inv;
      this.onMask(m, this.framesOut);
      this.framesOut++;
    }
  }
}
