/**
 * Thread priorities for the live engine's workers (Linux). The nice value is per thread on Linux,
 * and `os.setPriority` with no pid sets the calling thread's; threads started afterwards (such as
 * onnxruntime's pool) inherit it. Elsewhere the call would renice the whole process, so this is a
 * no-op there.
 *
 * Why: on 2 cores the model's threads compete with the threads that move audio. The audio and DSP
 * threads need little CPU but need it *now*; inference needs a lot but has tens of ms of slack.
 * Lowering the inference thread's priority needs no privilege; raising the others needs
 * CAP_SYS_NICE or an RLIMIT_NICE (e.g. the `audio` group's limits.conf) and is skipped otherwise.
 */
import { platform, setPriority } from 'node:os';

/** Nice values (−20 highest … 19 lowest). */
export const NICE = {
  /** The audio worker: device callbacks, a few µs each, every period. */
  audio: -15,
  /** The DSP worker: STFT, mixing, ~0.25 ms per 256-frame block. */
  dsp: -10,
  /** The inference worker and its pool: the bulk of the CPU, with a deadline tens of ms away. */
  inference: 5,
} as const;

/** Sets this thread's nice value; returns whether it took effect (false: not Linux, or not permitted). */
export function setThreadNice(nice: number): boolean {
  if (platform() !== 'linux') return false;
  try {
    setPriority(nice);
    return true;
  } catch {
    return false;
  }
}
