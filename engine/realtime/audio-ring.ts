import { RingBuffer } from './ring-buffer.js';

const SCRATCH_FRAMES = 128;

/**
 * A ring of audio frames: a Float32 RingBuffer holding **interleaved** samples
 * (frame-major: L0 R0 L1 R1 …) with a fixed channel count, plus planar helpers.
 * Only whole frames move, so the two ends never get out of channel alignment.
 * All methods are allocation-free and never throw after construction.
 */
export class AudioRing {
  readonly ring: RingBuffer<Float32Array>;
  readonly nbChannels: number;
  /** Capacity in frames. */
  readonly capacityFrames: number;
  private readonly storage: Float32Array;

  /** Shared memory for `capacityFrames` frames of `nbChannels` channels. */
  static create(capacityFrames: number, nbChannels: number): AudioRing {
    return new AudioRing(RingBuffer.create(capacityFrames * nbChannels).buf, nbChannels);
  }

  constructor(sab: SharedArrayBuffer, nbChannels: number) {
    if (!Number.isInteger(nbChannels) || nbChannels < 1) throw new RangeError(`nbChannels must be a positive integer, got ${nbChannels}`);
    this.ring = new RingBuffer(sab, Float32Array);
    if (this.ring.capacity % nbChannels !== 0) throw new TypeError(`ring capacity ${this.ring.capacity} is not a whole number of ${nbChannels}-channel frames`);
    this.nbChannels = nbChannels;
    this.capacityFrames = this.ring.capacity / nbChannels;
    // scratch for the planar helpers (interleave in chunks to keep Atomics traffic low),
    // preallocated here so the helpers never allocate
    this.storage = new Float32Array(nbChannels * SCRATCH_FRAMES);
  }

  get buf(): SharedArrayBuffer {
    return this.ring.buf;
  }

  /** Whole frames ready to read. */
  availableReadFrames(): number {
    return Math.floor(this.ring.availableRead() / this.nbChannels);
  }

  /** Whole frames that fit. */
  availableWriteFrames(): number {
    return Math.floor(this.ring.availableWrite() / this.nbChannels);
  }

  /**
   * Producer only. Push up to `nbFrames` interleaved frames from `src` (starting at frame
   * `frameOffset`). Returns the number of frames written.
   */
  pushInterleaved(src: ArrayLike<number>, nbFrames: number, frameOffset = 0): number {
    const n = Math.min(nbFrames, this.availableWriteFrames());
    if (n <= 0) return 0;
    return this.ring.push(src, frameOffset * this.nbChannels, n * this.nbChannels) / this.nbChannels;
  }

  /** Consumer only. Pop up to `nbFrames` frames into interleaved `dst`; returns frames read. */
  popInterleaved(dst: Float32Array, nbFrames: number, frameOffset = 0): number {
    const n = Math.min(nbFrames, this.availableReadFrames());
    if (n <= 0) return 0;
    return this.ring.pop(dst, frameOffset * this.nbChannels, n * this.nbChannels) / this.nbChannels;
  }

  /**
   * Producer only. Push up to `nbFrames` frames from planar channels (`src[c][frameOffset + i]`).
   * `src.length` must equal nbChannels. Returns frames written.
   */
  pushPlanar(src: readonly Float32Array[], nbFrames: number, frameOffset = 0): number {
    const n = Math.min(nbFrames, this.availableWriteFrames());
    const ch = this.nbChannels;
    const scratch = this.storage;
    for (let done = 0; done < n; ) {
      const m = Math.min(SCRATCH_FRAMES, n - done);
      for (let c = 0; c < ch; c++) {
        const s = src[c];
        for (let i = 0; i < m; i++) scratch[i * ch + c] = s[frameOffset + done + i];
      }
      this.ring.push(scratch, 0, m * ch);
      done += m;
    }
    return n;
  }

  /** Consumer only. Pop up to `nbFrames` frames into planar channels; returns frames read. */
  popPlanar(dst: Float32Array[], nbFrames: number, frameOffset = 0): number {
    const n = Math.min(nbFrames, this.availableReadFrames());
    const ch = this.nbChannels;
    const scratch = this.storage;
    for (let done = 0; done < n; ) {
      const m = Math.min(SCRATCH_FRAMES, n - done);
      this.ring.pop(scratch, 0, m * ch);
      for (let c = 0; c < ch; c++) {
        const d = dst[c];
        for (let i = 0; i < m; i++) d[frameOffset + done + i] = scratch[i * ch + c];
      }
      done += m;
    }
    return n;
  }
}
