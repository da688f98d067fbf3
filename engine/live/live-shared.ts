import type { InferenceDevice } from '../model/index.js';

/** Float64 stats the DSP worker publishes (index → meaning); the control thread only reads. */
export const LiveStat = {
  BLOCKS: 0,
  FRAMES: 1,
  REQUESTS: 2,
  DEADLINE_MISSES: 3,
  UNDERFLOW_FRAMES: 4,
  /** Input frames dropped because the DSP side was too slow (device input ring full). */
  INPUT_OVERRUN_FRAMES: 5,
  /** Output frames the DSP could not place (output ring full). */
  OUTPUT_OVERRUN_FRAMES: 6,
  DSP_MS_TOTAL: 7,
  INFERENCE_MS_MEAN: 8,
  INFERENCE_MS_MAX: 9,
  INFERENCE_COUNT: 10,
  /** Mean output-ring level in frames when a block is queued (device-side queue latency). */
  OUTPUT_QUEUE_MEAN: 11,
  /** Separator delay in frames. */
  SEPARATOR_LATENCY_FRAMES: 12,
  STRUCTURAL_FRAMES: 13,
  HOP_INTERVAL: 14,
  LOOKAHEAD: 15,
  /** File source: current playback position in frames. */
  POSITION: 16,
  READY: 17,
  /** File source: length in frames (0 for a device source). */
  DURATION_FRAMES: 18,
  /** File source: 1 playing, 0 paused. */
  PLAYING: 19,
  LOOP_ON: 20,
  LOOP_START_FRAMES: 21,
  LOOP_END_FRAMES: 22,
  /** Input frame index of the first non-zero input sample (−1 until one came): aligns test renders. */
  FIRST_SIGNAL_FRAME: 23,
  /** Input frames processed (device input popped, or source frames rendered). */
  INPUT_FRAMES: 24,
  /** Longest time one block took on the DSP thread, ms (a stall longer than the queue is a dropout). */
  DSP_MS_MAX: 25,
} as const;
export const LIVE_STAT_COUNT = 26;

export type LiveSource =
  | { kind: 'device' }
  /** Decoded audio played in a loop (demo clip or a file), paced by the output. */
  | { kind: 'buffer'; sampleRate: number; channels: Float32Array[] };

export interface DspWorkerData {
  modelDir: string;
  device: InferenceDevice;
  threads: number;
  sampleRate: number;
  blockFrames: number;
  hopInterval: number;
  /** < 0: auto. */
  lookahead: number;
  latencyMs?: number;
  outputChannels: 2 | 4;
  source: LiveSource;
  inputRing: SharedArrayBuffer | null;
  outputRing: SharedArrayBuffer;
  paramRing: SharedArrayBuffer;
  /** Transport commands (TransportCommand ids) for buffer sources. */
  transportRing: SharedArrayBuffer;
  /** Optional tap: every output block is also pushed here (tests, analysis); frames that do not fit are dropped. */
  captureRing: SharedArrayBuffer | null;
  /** Fade length of transport pause/seek/loop, frames. */
  transportRampFrames: number;
  meters: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  /** Output-ring level (frames) the DSP keeps for buffer sources: the pacing target. */
  targetQueueFrames: number;
  /** Device input: silent blocks queued to the output ring before the first input block. */
  dspQueueBlocks: number;
  /** Display spectrum + instrument share the DSP publishes (layout in spectrum-tap.ts); absent: none. */
  spectrum?: SharedArrayBuffer;
}
