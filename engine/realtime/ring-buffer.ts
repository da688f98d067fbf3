/**
 * Lock-free single-producer / single-consumer ring buffer over a SharedArrayBuffer
 * (the ringbuf.js design). One thread only pushes, one other thread only pops; neither
 * ever blocks, waits, allocates or throws in `push`/`pop`: they return how many elements
 * moved and the caller decides what an empty or full ring means (underflow, overflow).
 *
 * Memory layout of the SharedArrayBuffer (sized once by `RingBuffer.bytesFor`):
 *   bytes 0..3   write index (Uint32, only the producer stores it)
 *   bytes 4..7   read index  (Uint32, only the consumer stores it)
 *   bytes 8..11  element type tag (so both ends agree on the element type)
 *   bytes 12..15 reserved (keeps Float64 storage 8-byte aligned)
 *   bytes 16..   storage: capacity + 1 elements (one slot stays empty to tell full from empty)
 *
 * Each side loads both indices with Atomics, copies its data, then publishes only its own
 * index with `Atomics.store` (a release: the copied data is visible before the index moves)
 * and wakes a waiter of the other side with `Atomics.notify` (no syscall when nobody waits).
 * A worker loop that has nothing to do sleeps in `waitForPush`/`waitForPop` (Atomics.waitAsync)
 * instead of polling on a timer: it wakes within microseconds of the other side's move.
 */

const HEADER_BYTES = 16;
const WRITE = 0;
const READ = 1;
const TAG = 2;

/** Anything indexable that pop() can write into (typed arrays, plain arrays). */
export interface WritableArrayLike {
  [i: number]: number;
  readonly length: number;
}

/** Element types a ring can carry; the tag is stored in the buffer so the other end can check. */
export type RingArray = Float32Array | Float64Array | Int32Array;
export type RingArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

function tagOf(type: RingArrayConstructor): number {
  if (type === Float32Array) return 1;
  if (type === Float64Array) return 2;
  return 3;
}

export class RingBuffer<T extends RingArray = Float32Array> {
  /** The shared memory; post it to the other thread and build a RingBuffer over it there. */
  readonly buf: SharedArrayBuffer;
  /** Number of elements the ring can hold at once. */
  readonly capacity: number;
  private readonly indices: Uint32Array;
  /** The same two indices as Int32 (what Atomics.wait/notify take; indices stay below 2^31). */
  private readonly sync: Int32Array;
  private readonly storage: T;
  /** capacity + 1: the modulus of the indices. */
  private readonly slots: number;

  /** Bytes of SharedArrayBuffer needed for `capacity` elements of `type`. */
  static bytesFor(capacity: number, type: RingArrayConstructor = Float32Array): number {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    return HEADER_BYTES + (capacity + 1) * type.BYTES_PER_ELEMENT;
  }

  /** Allocate the shared memory for a ring of `capacity` elements and stamp its element type. */
  static create(capacity: number): RingBuffer<Float32Array>;
  static create<C extends RingArrayConstructor>(capacity: number, type: C): RingBuffer<InstanceType<C>>;
  static create(capacity: number, type: RingArrayConstructor = Float32Array): RingBuffer<RingArray> {
    const sab = new SharedArrayBuffer(RingBuffer.bytesFor(capacity, type));
    new Uint32Array(sab, 0, 4)[TAG] = tagOf(type);
    return new RingBuffer(sab, type);
  }

  /**
   * View an existing ring (made by `create` on either thread). Throws TypeError if the buffer
   * was created for another element type: construction time is the only place it may throw.
   */
  constructor(sab: SharedArrayBuffer, type: RingArrayConstructor = Float32Array) {
    if (!(sab instanceof SharedArrayBuffer)) throw new TypeError('RingBuffer needs a SharedArrayBuffer');
    const storageBytes = sab.byteLength - HEADER_BYTES;
    if (storageBytes < 2 * type.BYTES_PER_ELEMENT || storageBytes % type.BYTES_PER_ELEMENT !== 0) {
      throw new TypeError(`SharedArrayBuffer of ${sab.byteLength} bytes is not a ring of ${type.name}`);
    }
    this.indices = new Uint32Array(sab, 0, 4);
    this.sync = new Int32Array(sab, 0, 2);
    const tag = this.indices[TAG];
    if (tag !== 0 && tag !== tagOf(type)) throw new TypeError(`ring element type mismatch: buffer was created for another type than ${type.name}`);
    this.buf = sab;
    this.slots = storageBytes / type.BYTES_PER_ELEMENT;
    this.capacity = this.slots - 1;
    const View = type as unknown as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;
    this.storage = new View(sab, HEADER_BYTES, this.slots);
  }

  /** Elements ready to pop (consumer side; a lower bound when called by the producer). */
  availableRead(): number {
    const w = Atomics.load(this.indices, WRITE);
    const r = Atomics.load(this.indices, READ);
    return (w + this.slots - r) % this.slots;
  }

  /** Free slots to push into (producer side; a lower bound when called by the consumer). */
  availableWrite(): number {
    return this.capacity - this.availableRead();
  }

  isEmpty(): boolean {
    return Atomics.load(this.indices, WRITE) === Atomics.load(this.indices, READ);
  }

  isFull(): boolean {
    return this.availableWrite() === 0;
  }

  /**
   * Producer only. Copy up to `count` elements of `src` starting at `offset` into the ring.
   * Returns how many were written (0 when full). Allocation-free.
   */
  push(src: ArrayLike<number>, offset = 0, count = src.length - offset): number {
    const w = Atomics.load(this.indices, WRITE);
    const r = Atomics.load(this.indices, READ);
    const free = this.capacity - ((w + this.slots - r) % this.slots);
    const n = Math.min(free, Math.max(0, count));
    if (n === 0) return 0;
    const first = Math.min(this.slots - w, n);
    const storage = this.storage;
    // element-wise copy: works for every typed-array source without creating subarray views
    for (let i = 0; i < first; i++) storage[w + i] = src[offset + i];
    for (let i = first; i < n; i++) storage[i - first] = src[offset + i];
    Atomics.store(this.indices, WRITE, (w + n) % this.slots);
    Atomics.notify(this.sync, WRITE);
    return n;
  }

  /**
   * Consumer only. Copy up to `count` elements out of the ring into `dst` starting at `offset`.
   * Returns how many were read (0 when empty). Allocation-free.
   */
  pop(dst: WritableArrayLike, offset = 0, count = dst.length - offset): number {
    const w = Atomics.load(this.indices, WRITE);
    const r = Atomics.load(this.indices, READ);
    const avail = (w + this.slots - r) % this.slots;
    const n = Math.min(avail, Math.max(0, count));
    if (n === 0) return 0;
    const first = Math.min(this.slots - r, n);
    const storage = this.storage;
    for (let i = 0; i < first; i++) dst[offset + i] = storage[r + i];
    for (let i = first; i < n; i++) dst[offset + i] = storage[i - first];
    Atomics.store(this.indices, READ, (r + n) % this.slots);
    Atomics.notify(this.sync, READ);
    return n;
  }

  /** Consumer only. Drop up to `count` elements without copying; returns how many were dropped. */
  skip(count: number): number {
    const w = Atomics.load(this.indices, WRITE);
    const r = Atomics.load(this.indices, READ);
    const n = Math.min((w + this.slots - r) % this.slots, Math.max(0, count));
    if (n > 0) {
      Atomics.store(this.indices, READ, (r + n) % this.slots);
      Atomics.notify(this.sync, READ);
    }
    return n;
  }

  /** The producer's position now. Take it *before* checking `availableRead`, then wait on it. */
  writeMark(): number {
    return Atomics.load(this.sync, WRITE);
  }

  /** The consumer's position now (see `writeMark`). */
  readMark(): number {
    return Atomics.load(this.sync, READ);
  }

  /**
   * Consumer side, for worker loops (allocates a promise; never in an audio callback): resolves
   * once the producer has pushed since `mark` was taken, or after `timeoutMs`.
   */
  waitForPush(mark: number, timeoutMs: number): Promise<unknown> {
    return settle(Atomics.waitAsync(this.sync, WRITE, mark, timeoutMs));
  }

  /** Producer side, like `waitForPush`: resolves once the consumer has popped since `mark`. */
  waitForPop(mark: number, timeoutMs: number): Promise<unknown> {
    return settle(Atomics.waitAsync(this.sync, READ, mark, timeoutMs));
  }
}

function settle(w: { async: boolean; value: unknown }): Promise<unknown> {
  return w.async ? (w.value as Promise<unknown>) : Promise.resolve(w.value);
}
