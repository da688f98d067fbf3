/**
 * Counters the audio worker publishes for the control side: one Float64Array over a
 * SharedArrayBuffer, written only by the audio worker (single writer), read by anyone.
 * Float64 so frame counts never wrap; an aligned 8-byte store is not torn on the platforms
 * Node supports, and a reader only ever needs each value on its own.
 */
export const Counter = {
  /** Device state, a DeviceState value. */
  STATE: 0,
  /** Frames received from the device input. */
  FRAMES_IN: 1,
  /** Frames handed to the device output. */
  FRAMES_OUT: 2,
  /** Output frames we filled with silence because the output ring was short (engine late). */
  UNDERFLOW_FRAMES: 3,
  /** Input frames dropped because the input ring was full (engine not reading). */
  OVERFLOW_FRAMES: 4,
  /** Periods the device played as silence because the worker answered late (estimated). */
  DEVICE_SILENT_BLOCKS: 5,
  /** Output blocks dropped to pull latency back after a stall. */
  DROPPED_OUTPUT_BLOCKS: 6,
  /** Device periods seen (input or output callbacks). */
  CALLBACKS: 7,
  /** Times the device was lost. */
  LOSSES: 8,
  /** Times the stream was reopened after a loss. */
  RESTARTS: 9,
  /** Period in frames actually in use. */
  BUFFER_FRAMES: 10,
  /** Sample rate in use, Hz. */
  SAMPLE_RATE: 11,
  /** Output frames skipped, once they arrived, to take back the latency an underflow added. */
  TRIMMED_FRAMES: 12,
} as const;
export const COUNTER_COUNT = 13;

export const DeviceState = { CLOSED: 0, OPENING: 1, RUNNING: 2, LOST: 3, FAILED: 4 } as const;
export type DeviceStateName = 'closed' | 'opening' | 'running' | 'lost' | 'failed';
const STATE_NAMES: readonly DeviceStateName[] = ['closed', 'opening', 'running', 'lost', 'failed'];

export function createCounters(): Float64Array {
  return new Float64Array(new SharedArrayBuffer(COUNTER_COUNT * Float64Array.BYTES_PER_ELEMENT));
}

/** A plain snapshot of the counters (control side; allocates). */
export interface DeviceStats {
  state: DeviceStateName;
  framesIn: number;
  framesOut: number;
  underflowFrames: number;
  overflowFrames: number;
  deviceSilentBlocks: number;
  droppedOutputBlocks: number;
  callbacks: number;
  losses: number;
  restarts: number;
  bufferFrames: number;
  sampleRate: number;
  trimmedFrames: number;
}

export function readStats(c: Float64Array): DeviceStats {
  return {
    state: STATE_NAMES[c[Counter.STATE]] ?? 'failed',
    framesIn: c[Counter.FRAMES_IN],
    framesOut: c[Counter.FRAMES_OUT],
    underflowFrames: c[Counter.UNDERFLOW_FRAMES],
    overflowFrames: c[Counter.OVERFLOW_FRAMES],
    deviceSilentBlocks: c[Counter.DEVICE_SILENT_BLOCKS],
    droppedOutputBlocks: c[Counter.DROPPED_OUTPUT_BLOCKS],
    callbacks: c[Counter.CALLBACKS],
    losses: c[Counter.LOSSES],
    restarts: c[Counter.RESTARTS],
    bufferFrames: c[Counter.BUFFER_FRAMES],
    sampleRate: c[Counter.SAMPLE_RATE],
    trimmedFrames: c[Counter.TRIMMED_FRAMES],
  };
}
