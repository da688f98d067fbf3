import { StemstreamError } from '../errors.js';
import { FrameTransform, WINDOW_SUM_TINY } from './frame-transform.js';
import { validateStftParams, type StftParams } from './stft-params.js';

/**
 * Receives one STFT frame: `re[bin]`, `im[bin]` for bins 0..nbBins-1 (float32) and the frame's
 * index in the offline STFT. The arrays are reused for every frame: copy them if you keep them.
 */
export type FrameCallback = (re: Float32Array, im: Float32Array, frameIndex: number) => void;

/**
 * Worst-case latency, in samples, of a StreamingStft → StreamingIstft chain (excluding whatever
 * happens to the frames in between): output sample n is readable from the StreamingIstft as soon
 * as input sample n + nFft − 1 has been pushed into the StreamingStft, whatever the block sizes.
 * The exact lag is nFft − 1 − ((n + nFft/2) mod hop), between nFft − hop and nFft − 1, because
 * output is released in hop-sized steps. A live engine that delays its dry path by this amount and
 * reads exactly as many samples as it pushes (after priming with this many zeros) never underruns.
 * For { nFft: 1536, hop: 384 }: 1535 samples = 69.6 ms at 22050 Hz.
 */
export function streamingLatencySamples(p: StftParams): number {
  return p.nFft - 1;
}

/**
 * Streaming STFT that yields exactly the frames of the offline {@link stft} (bit-identical), in
 * order, from blocks of any size.
 *
 * Timing: frame 0 is emitted once nFft/2 + 1 samples have arrived (the reflect padding needs
 * x[1..nFft/2]); frame t ≥ 1 once t·hop + nFft/2 samples have arrived. {@link finish} emits the
 * remaining frames that use the end reflect padding, up to frame floor(length/hop). As offline, a
 * stream of ≤ nFft/2 samples in total is zero-padded instead of reflected.
 *
 * Real-time safe: all buffers are allocated in the constructor; push() allocates nothing and
 * calls `onFrame` synchronously with reused arrays. Single-threaded use only.
 */
export class StreamingStft {
  readonly nbBins: number;
  private readonly nFft: number;
  private readonly hop: number;
  private readonly pad: number;
  private readonly ft: FrameTransform;
  /** The last nFft samples of the padded signal; padded position q lives at q % nFft. */
  private readonly ring: Float32Array;
  /** Linearised frame handed to the transform. */
  private readonly frame: Float32Array;
  /** First nFft/2 + 1 input samples, held until the start reflection can be written. */
  private readonly head: Float32Array;
  /** Start or end reflection, written through the ring like input. */
  private readonly edge: Float32Array;
  private readonly re: Float32Array;
  private readonly im: Float32Array;
  private inputCount = 0;
  /** Padded samples written to the ring so far. */
  private written = 0;
  private nextFrame = 0;
  private started = false;
  private finished = false;

  /** @throws StemstreamError SS_ERR_BAD_OPTION for unsupported parameters */
  constructor(p: StftParams) {
    validateStftParams(p);
    this.nFft = p.nFft;
    this.hop = p.hop;
    this.pad = p.nFft / 2;
    this.ft = new FrameTransform(p);
    this.nbBins = this.ft.nbBins;
    this.ring = new Float32Array(p.nFft);
    this.frame = new Float32Array(p.nFft);
    this.head = new Float32Array(this.pad + 1);
    this.edge = new Float32Array(this.pad);
    this.re = new Float32Array(this.nbBins);
    this.im = new Float32Array(this.nbBins);
  }

  /** Input samples pushed since construction or the last reset(). */
  get samplesPushed(): number {
    return this.inputCount;
  }

  /** Frames emitted since construction or the last reset(). */
  get framesEmitted(): number {
    return this.nextFrame;
  }

  /**
   * Consume a block of mono float32 samples (any length, including 0) and emit every frame that
   * became complete, in order.
   * @throws StemstreamError SS_ERR_INTERNAL after finish() without reset() (a programming error)
   */
  push(block: Float32Array, onFrame: FrameCallback): void {
    if (this.finished) throw new StemstreamError('SS_ERR_INTERNAL', 'StreamingStft.push after finish(): call reset() first');
    let i = 0;
    const n = block.length;
    if (!this.started) {
      const head = this.head;
      while (i < n && this.inputCount < head.length) head[this.inputCount++] = block[i++];
      if (this.inputCount < head.length) return;
      // Enough samples to reflect: write x[pad], …, x[1], then x[0..pad].
      this.started = true;
      const edge = this.edge;
      for (let j = 0; j < this.pad; j++) edge[j] = head[this.pad - j];
      this.write(edge, 0, this.pad, onFrame);
      this.write(head, 0, head.length, onFrame);
    }
    this.inputCount += n - i;
    this.write(block, i, n - i, onFrame);
  }

  /**
   * End of stream: emit the trailing frames built from the end padding (reflect, or zeros for a
   * stream of ≤ nFft/2 samples), so that in total 1 + floor(samplesPushed / hop) frames have been
   * emitted. Call reset() before pushing again.
   */
  finish(onFrame: FrameCallback): void {
    if (this.finished) return;
    this.finished = true;
    const length = this.inputCount;
    const edge = this.edge;
    if (!this.started) {
      // Too short to reflect: zeros, the held samples, zeros (as the offline stft).
      edge.fill(0);
      this.write(edge, 0, this.pad, onFrame);
      this.write(this.head, 0, length, onFrame);
    } else {
      // x[length-2-j] sits at padded position pad + length - 2 - j, still inside the ring.
      const ring = this.ring;
      for (let j = 0; j < this.pad; j++) edge[j] = ring[(this.pad + length - 2 - j) % this.nFft];
    }
    this.write(edge, 0, this.pad, onFrame);
  }

  /** Forget all input: the next push starts a new stream at frame 0. Allocation-free. */
  reset(): void {
    this.inputCount = 0;
    this.written = 0;
    this.nextFrame = 0;
    this.started = false;
    this.finished = false;
    this.ring.fill(0);
  }

  /** Append `count` padded samples from `src[from..]` to the ring, emitting frames as they complete. */
  private write(src: Float32Array, from: number, count: number, onFrame: FrameCallback): void {
    const ring = this.ring;
    const size = this.nFft;
    let i = from;
    const end = from + count;
    while (i < end) {
      const due = this.nextFrame * this.hop + size; // padded samples needed for the next frame
      const take = Math.min(end - i, due - this.written);
      let pos = this.written % size;
      for (let k = 0; k < take; k++) {
        ring[pos] = src[i + k];
        pos = pos + 1 === size ? 0 : pos + 1;
      }
      i += take;
      this.written += take;
      if (this.written === due) this.emit(onFrame);
    }
  }

  private emit(onFrame: FrameCallback): void {
    const size = this.nFft;
    const ring = this.ring;
    const frame = this.frame;
    // The frame is padded positions [written - nFft, written), which start at ring index written % nFft.
    const start = this.written % size;
    const firstPart = size - start;
    for (let k = 0; k < firstPart; k++) frame[k] = ring[start + k];
    for (let k = firstPart; k < size; k++) frame[k] = ring[k - firstPart];
    this.ft.analyse(frame, 0, this.re, this.im, 0);
    onFrame(this.re, this.im, this.nextFrame++);
  }
}

/** Options of {@link StreamingIstft}. */
export interface StreamingIstftOptions {
  /** Capacity of the output FIFO in samples (default 4·nFft). Samples that do not fit are dropped and counted. */
  outputCapacity?: number;
}

/**
 * Streaming inverse STFT whose concatenated output equals the offline {@link istft} of the same
 * frames (bit-identical in practice; tested to 1e-6).
 *
 * Timing: after frame t is pushed, padded positions < (t+1)·hop can receive no more overlap, so
 * output samples [0, (t+1)·hop − nFft/2) are final and readable. {@link finish} releases the rest
 * up to the requested length. See {@link streamingLatencySamples} for the end-to-end delay.
 *
 * Real-time safe: all buffers are allocated in the constructor; pushFrame() and read() allocate
 * nothing. If the reader falls behind the FIFO capacity, new samples are dropped and counted in
 * {@link droppedSamples} (never throws, never blocks). Single-threaded use only.
 */
export class StreamingIstft {
  readonly nbBins: number;
  private readonly nFft: number;
  private readonly hop: number;
  private readonly pad: number;
  private readonly ft: FrameTransform;
  /** Overlap-add accumulators for padded positions, position q at q % nFft (float64). */
  private readonly acc: Float64Array;
  private readonly wss: Float64Array;
  private readonly frame: Float64Array;
  /** Output FIFO of final samples. */
  private readonly fifo: Float32Array;
  private fifoRead = 0;
  private fifoCount = 0;
  private framesPushed = 0;
  /** Padded positions below this have been finalised (released or trimmed). */
  private finalPos = 0;
  /** Output samples produced (released to the FIFO or dropped) so far. */
  private produced = 0;
  private dropped = 0;
  private finished = false;

  /** @throws StemstreamError SS_ERR_BAD_OPTION for unsupported parameters, hop > nFft/2, or a capacity < hop */
  constructor(p: StftParams, options: StreamingIstftOptions = {}) {
    validateStftParams(p);
    if (p.hop > p.nFft / 2) {
      // Beyond half-overlap a Hann window cannot reconstruct, and samples past the end would be released early.
      throw new StemstreamError('SS_ERR_BAD_OPTION', `streaming ISTFT needs hop ≤ nFft/2 (${p.nFft / 2}), got hop=${p.hop}`);
    }
    const capacity = options.outputCapacity ?? 4 * p.nFft;
    if (!Number.isInteger(capacity) || capacity < p.hop) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `ISTFT output capacity must be an integer ≥ hop (${p.hop}), got ${capacity}`);
    }
    this.nFft = p.nFft;
    this.hop = p.hop;
    this.pad = p.nFft / 2;
    this.ft = new FrameTransform(p);
    this.nbBins = this.ft.nbBins;
    this.acc = new Float64Array(p.nFft);
    this.wss = new Float64Array(p.nFft);
    this.frame = new Float64Array(p.nFft);
    this.fifo = new Float32Array(capacity);
  }

  /** Final samples waiting to be read. */
  available(): number {
    return this.fifoCount;
  }

  /** Output samples dropped because the FIFO was full. */
  get droppedSamples(): number {
    return this.dropped;
  }

  /** Frames pushed since construction or the last reset(). */
  get framesReceived(): number {
    return this.framesPushed;
  }

  /**
   * Add the next frame (bins 0..nbBins-1 of `re`/`im`, float32; copied, so the arrays may be
   * reused) and release the samples it makes final.
   * @throws StemstreamError SS_ERR_INTERNAL after finish() without reset() (a programming error)
   */
  pushFrame(re: Float32Array, im: Float32Array): void {
    if (this.finished) throw new StemstreamError('SS_ERR_INTERNAL', 'StreamingIstft.pushFrame after finish(): call reset() first');
    const size = this.nFft;
    this.ft.synthesise(re, im, 0, this.frame);
    const frame = this.frame;
    const w2 = this.ft.windowSquared;
    const acc = this.acc;
    const wss = this.wss;
    let pos = (this.framesPushed * this.hop) % size;
    for (let i = 0; i < size; i++) {
      acc[pos] += frame[i];
      wss[pos] += w2[i];
      pos = pos + 1 === size ? 0 : pos + 1;
    }
    this.framesPushed++;
    this.release(this.framesPushed * this.hop);
  }

  /**
   * Copy up to `count` final samples into `out[offset ..]` (defaults: from 0, as many as fit).
   * @returns the number of samples copied (0 when none are available; never blocks)
   */
  read(out: Float32Array, offset = 0, count = out.length - offset): number {
    const n = Math.min(count, this.fifoCount);
    const fifo = this.fifo;
    const cap = fifo.length;
    let r = this.fifoRead;
    for (let k = 0; k < n; k++) {
      out[offset + k] = fifo[r];
      r = r + 1 === cap ? 0 : r + 1;
    }
    this.fifoRead = r;
    this.fifoCount -= n;
    return n;
  }

  /**
   * End of stream: release every remaining sample so that exactly `totalLength` output samples
   * exist in total (positions no frame reaches are zeros, as offline). If more frames were pushed
   * than an STFT of `totalLength` samples has, samples already released beyond `totalLength` are
   * removed from the FIFO when still unread.
   */
  finish(totalLength: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.produced > totalLength) {
      const excess = Math.min(this.produced - totalLength, this.fifoCount);
      this.fifoCount -= excess;
      this.produced -= excess;
      return;
    }
    this.release(this.pad + totalLength);
  }

  /** Forget all frames and unread output. Allocation-free. */
  reset(): void {
    this.acc.fill(0);
    this.wss.fill(0);
    this.fifoRead = 0;
    this.fifoCount = 0;
    this.framesPushed = 0;
    this.finalPos = 0;
    this.produced = 0;
    this.dropped = 0;
    this.finished = false;
  }

  /** Finalise padded positions [finalPos, upTo): normalise, clear their accumulators, queue them. */
  private release(upTo: number): void {
    const size = this.nFft;
    const acc = this.acc;
    const wss = this.wss;
    const fifo = this.fifo;
    const cap = fifo.length;
    for (let q = this.finalPos; q < upTo; q++) {
      const idx = q % size;
      const s = wss[idx];
      const v = s > WINDOW_SUM_TINY ? acc[idx] / s : acc[idx];
      acc[idx] = 0;
      wss[idx] = 0;
      if (q < this.pad) continue; // the start padding is trimmed, as offline
      this.produced++;
      if (this.fifoCount === cap) {
        this.dropped++;
        continue;
      }
      let w = this.fifoRead + this.fifoCount;
      if (w >= cap) w -= cap;
      fifo[w] = v;
      this.fifoCount++;
    }
    this.finalPos = Math.max(this.finalPos, upTo);
  }
}
