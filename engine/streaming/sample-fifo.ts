/**
 * A single-thread FIFO of float samples in a preallocated ring: no allocation after construction.
 * (Cross-thread rings live in engine/realtime; this one stays inside the DSP loop.)
 */
export class SampleFifo {
  private readonly buf: Float32Array;
  private readAt = 0;
  private count = 0;

  constructor(capacity: number) {
    this.buf = new Float32Array(capacity);
  }

  get available(): number {
    return this.count;
  }

  get capacity(): number {
    return this.buf.length;
  }

  /** Appends up to `n` samples of `src` from `offset`; returns how many fitted. */
  write(src: Float32Array, offset = 0, n = src.length - offset): number {
    const cap = this.buf.length;
    const m = Math.min(n, cap - this.count);
    let w = (this.readAt + this.count) % cap;
    for (let i = 0; i < m; i++) {
      this.buf[w] = src[offset + i];
      w = w + 1 === cap ? 0 : w + 1;
    }
    this.count += m;
    return m;
  }

  /** Appends `n` zeros; returns how many fitted. */
  writeZeros(n: number): number {
    const cap = this.buf.length;
    const m = Math.min(n, cap - this.count);
    let w = (this.readAt + this.count) % cap;
    for (let i = 0; i < m; i++) {
      this.buf[w] = 0;
      w = w + 1 === cap ? 0 : w + 1;
    }
    this.count += m;
    return m;
  }

  /** Moves up to `n` samples into `dst` at `offset`; returns how many. */
  read(dst: Float32Array, offset = 0, n = dst.length - offset): number {
    const cap = this.buf.length;
    const m = Math.min(n, this.count);
    let r = this.readAt;
    for (let i = 0; i < m; i++) {
      dst[offset + i] = this.buf[r];
      r = r + 1 === cap ? 0 : r + 1;
    }
    this.readAt = r;
    this.count -= m;
    return m;
  }

  clear(): void {
    this.readAt = 0;
    this.count = 0;
  }
}
