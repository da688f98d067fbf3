/**
 * An input source over audio already in memory (tests, and a stand-in for device input when
 * running headless). Planar: `channels[c][i]`. Reads never allocate.
 */
export class BufferSource {
  readonly nbChannels: number;
  readonly nbFrames: number;
  private position = 0;

  constructor(private readonly channels: readonly Float32Array[], private readonly loop = false) {
    if (channels.length === 0) throw new RangeError('BufferSource needs at least one channel');
    this.nbChannels = channels.length;
    this.nbFrames = channels[0].length;
    if (channels.some((c) => c.length !== this.nbFrames)) throw new RangeError('BufferSource channels differ in length');
  }

  /** Frames not yet read (Infinity when looping a non-empty buffer). */
  remaining(): number {
    return this.loop && this.nbFrames > 0 ? Infinity : this.nbFrames - this.position;
  }

  /**
   * Copy the next `nbFrames` frames into planar `dst` (one array per channel, at `offset`).
   * Returns frames copied: fewer than asked only at the end of a non-looping buffer.
   */
  read(dst: Float32Array[], nbFrames: number, offset = 0): number {
    let done = 0;
    while (done < nbFrames) {
      if (this.position >= this.nbFrames) {
        if (!this.loop || this.nbFrames === 0) break;
        this.position = 0;
      }
      const n = Math.min(nbFrames - done, this.nbFrames - this.position);
      for (let c = 0; c < this.nbChannels; c++) {
        const src = this.channels[c];
        const d = dst[c];
        for (let i = 0; i < n; i++) d[offset + done + i] = src[this.position + i];
      }
      this.position += n;
      done += n;
    }
    return done;
  }

  /** Back to the first frame. */
  rewind(): void {
    this.position = 0;
  }
}
