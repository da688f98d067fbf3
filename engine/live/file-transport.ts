/**
 * Transport for a buffer source (demo clip or decoded file) on the DSP thread: play/pause, seek and
 * loop A–B over a preloaded planar buffer. Every discontinuity is click-free: pause and seek ramp
 * the source gain to 0 over `rampFrames` (then jump, then ramp back up), and a loop wrap
 * cross-fades the last `rampFrames` before B with the first ones after A.
 *
 * Commands arrive as (id, value) pairs from a ParamRing (ids in TransportCommand); positions are
 * in frames of the buffer (= device frames: the buffer was resampled to the device rate).
 * Audio-thread object: `command` and `render` allocate nothing and never throw.
 */

/** Parameter ids of transport commands on the transport ParamRing. */
export const TransportCommand = {
  /** value ≥ 0.5: play, else pause. */
  PLAY: 0,
  /** value: target position in frames. */
  SEEK: 1,
  /** value ≥ 0.5: loop on. Send LOOP_START / LOOP_END first. */
  LOOP_ON: 2,
  LOOP_START: 3,
  LOOP_END: 4,
} as const;

export class FileTransport {
  readonly lengthFrames: number;
  readonly rampFrames: number;
  private readonly channels: Float32Array[];
  private pos = 0;
  private isPlaying = true;
  private gain = 1;
  private target = 1;
  private readonly stepPerFrame: number;
  /** Position to jump to once the gain reached 0; −1 when none. */
  private pendingSeek = -1;
  private loop = true;
  private loopA = 0;
  private loopB: number;

  /**
   * @param channels  planar source, one Float32Array per channel, equal lengths (≥ 1 frame)
   * @param rampFrames  length of every fade (pause, seek, loop cross-fade), frames
   */
  constructor(channels: Float32Array[], rampFrames: number) {
    if (channels.length === 0 || channels[0].length === 0) throw new RangeError('transport needs a non-empty buffer');
    this.channels = channels;
    this.lengthFrames = channels[0].length;
    this.rampFrames = Math.max(1, Math.round(rampFrames));
    this.stepPerFrame = 1 / this.rampFrames;
    this.loopB = this.lengthFrames;
  }

  get positionFrames(): number {
    return this.pos;
  }

  get playing(): boolean {
    return this.isPlaying;
  }

  get loopOn(): boolean {
    return this.loop;
  }

  get loopStartFrames(): number {
    return this.loopA;
  }

  get loopEndFrames(): number {
    return this.loopB;
  }

  /** Applies one command (ids in TransportCommand); unknown ids and NaN are ignored. */
  command(id: number, value: number): void {
    if (Number.isNaN(value)) return;
    switch (id) {
      case TransportCommand.PLAY: {
        const on = value >= 0.5;
        this.isPlaying = on;
        if (this.pendingSeek < 0) this.target = on ? 1 : 0;
        break;
      }
      case TransportCommand.SEEK:
        this.seekTo(this.clampPos(value));
        break;
      case TransportCommand.LOOP_START:
        this.loopA = this.clampPos(value);
        break;
      case TransportCommand.LOOP_END:
        this.loopB = Math.min(this.lengthFrames, Math.max(0, Math.floor(value)));
        break;
      case TransportCommand.LOOP_ON:
        this.loop = value >= 0.5 && this.loopB > this.loopA;
        // a loop set behind the playhead: go to its start (faded)
        if (this.loop && (this.pos >= this.loopB || this.pos < this.loopA)) this.seekTo(this.loopA);
        break;
      default:
    }
  }

  private clampPos(value: number): number {
    return Math.min(this.lengthFrames - 1, Math.max(0, Math.floor(value)));
  }

  private seekTo(frame: number): void {
    if (this.gain === 0) {
      this.pos = frame;
      this.pendingSeek = -1;
      this.target = this.isPlaying ? 1 : 0;
      return;
    }
    this.pendingSeek = frame;
    this.target = 0;
  }

  /** Fills `out` (planar, ≥ `nbFrames` each) with the next frames; silence while paused. */
  render(out: Float32Array[], nbFrames: number): void {
    const src = this.channels;
    const nbSrc = src.length;
    const R = this.rampFrames;
    for (let i = 0; i < nbFrames; i++) {
      if (this.gain !== this.target) {
        this.gain = this.gain < this.target ? Math.min(this.target, this.gain + this.stepPerFrame) : Math.max(this.target, this.gain - this.stepPerFrame);
      }
      if (this.gain === 0) {
        if (this.pendingSeek >= 0) {
          this.pos = this.pendingSeek;
          this.pendingSeek = -1;
          this.target = this.isPlaying ? 1 : 0;
        }
        if (this.target === 0) {
          for (let c = 0; c < out.length; c++) out[c][i] = 0;
          continue; // paused: the playhead stands still
        }
      }
      const p = this.pos;
      // loop cross-fade over the last X frames before B with the first X after A
      const X = this.loop ? Math.min(R, (this.loopB - this.loopA) >> 1) : 0;
      const fadeAt = this.loopB - X;
      for (let c = 0; c < out.length; c++) {
        const s = src[c < nbSrc ? c : nbSrc - 1];
        let v = s[p];
        if (X > 0 && p >= fadeAt) {
          const w = (p - fadeAt + 1) / (X + 1);
          v = v * (1 - w) + s[this.loopA + (p - fadeAt)] * w;
        }
        out[c][i] = v * this.gain;
      }
      this.pos = p + 1;
      if (this.loop && this.pos >= this.loopB) {
        this.pos = this.loopA + X;
      } else if (!this.loop) {
        // the end of the file without a loop: fade out before it, stop and rewind to the start
        if (this.isPlaying && this.pendingSeek < 0 && this.pos >= this.lengthFrames - R) {
          this.isPlaying = false;
          this.seekTo(0);
        }
        if (this.pos >= this.lengthFrames) this.gain = 0; // (a ramp longer than the file)
      }
    }
  }
}
