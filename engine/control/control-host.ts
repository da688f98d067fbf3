import type { WaveformPeaks } from '../audio-file/waveform-peaks.js';
import type { MidiController } from '../midi/midi-controller.js';
import type { ControlTarget } from './control-target.js';
import type { EngineStatus } from './messages.js';
import type { PresetStore } from './preset-store.js';

/** What the UI shows many times a second; read straight from the engine's shared memory. */
export interface Telemetry {
  /** The mixer meters (METER_COUNT floats, linear; layout in engine/mixer/mixer-params.ts). */
  meters: Float32Array;
  /** Transport position in seconds (0 for a device input). */
  positionS: number;
  /** The DSP's display spectrum (engine/live/spectrum-tap.ts layout), or null. */
  spectrum: SharedArrayBuffer | null;
}

/**
 * The ControlTarget as the control server needs it: the action interface plus read-outs
 * (status, telemetry, models) and the preset store. EngineController is the real one; tests
 * use a fake.
 */
export interface ControlHost extends ControlTarget {
  status(): EngineStatus;
  /** Null while the engine is (re)starting. */
  telemetry(): Telemetry | null;
  models(): string[];
  readonly presets: PresetStore;
  /**
   * The min/max overview of the file the transport plays (computed once per file, off the audio
   * path); null for a live device input. Absent: the host has no overviews.
   */
  waveform?(): Promise<WaveformPeaks | null>;
  /**
   * The MIDI controller driving this host, when there is one: the server then publishes its
   * ports, mappings and monitor and accepts the `midi.*` messages. Absent: MIDI is off.
   */
  readonly midi?: MidiController | null;
}
