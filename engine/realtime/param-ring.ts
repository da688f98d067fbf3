import { RingBuffer } from './ring-buffer.js';

/** One parameter change: which parameter (uint32) and its new value (float64). */
export interface ParamMessage {
  paramIndex: number;
  value: number;
}

/**
 * SPSC ring of parameter changes (ringbuf.js `param.js`): a Float64 RingBuffer where each
 * message is two elements, [paramIndex, value]. A uint32 index is exact in a float64.
 * Kept apart from audio rings so a flood of parameter changes can never starve audio.
 * The writer is the control thread, the reader the audio thread; each end owns its own
 * preallocated scratch, so enqueue/dequeue never allocate and never throw.
 */
export class ParamRing {
  readonly ring: RingBuffer<Float64Array>;
  /** Capacity in messages. */
  readonly capacityMessages: number;
  private readonly scratch = new Float64Array(2);

  static create(capacityMessages: number): ParamRing {
    return new ParamRing(RingBuffer.create(capacityMessages * 2, Float64Array).buf);
  }

  constructor(sab: SharedArrayBuffer) {
    this.ring = new RingBuffer(sab, Float64Array);
    if (this.ring.capacity % 2 !== 0) throw new TypeError('ParamRing buffer must hold an even number of float64 slots');
    this.capacityMessages = this.ring.capacity / 2;
  }

  get buf(): SharedArrayBuffer {
    return this.ring.buf;
  }

  /** Writer only. Returns false (message dropped) when the ring is full; the caller counts it. */
  enqueue(paramIndex: number, value: number): boolean {
    if (this.ring.availableWrite() < 2) return false;
    this.scratch[0] = paramIndex >>> 0;
    this.scratch[1] = value;
    // both elements are published by one index store, so the reader never sees half a message
    return this.ring.push(this.scratch, 0, 2) === 2;
  }

  /** Reader only. Fills `out` and returns true, or returns false when empty. */
  dequeue(out: ParamMessage): boolean {
    if (this.ring.availableRead() < 2) return false;
    this.ring.pop(this.scratch, 0, 2);
    out.paramIndex = this.scratch[0];
    out.value = this.scratch[1];
    return true;
  }

  /** Messages waiting. */
  availableRead(): number {
    return Math.floor(this.ring.availableRead() / 2);
  }
}
