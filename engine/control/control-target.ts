import type { MixerState, MixerStem } from '../mixer/index.js';

/**
 * The one way anything outside the audio path changes the engine: the WebSocket server, the MIDI
 * mapper and the CLI all turn their input into ControlActions and hand them to a ControlTarget.
 * The target validates, updates the engine state, drives the live engine (mixer reconciler,
 * transport, model/latency restarts) and tells every listener what changed.
 */
export type Toggle = boolean | 'toggle';

export type ControlAction =
  | { type: 'stem.gain'; stem: MixerStem; gainDb: number }
  | { type: 'stem.mute'; stem: MixerStem; mute: Toggle }
  | { type: 'stem.solo'; stem: MixerStem; solo: Toggle }
  | { type: 'master.gain'; gainDb: number }
  | { type: 'bypass'; on: Toggle }
  | { type: 'preset.load'; name: string }
  | { type: 'preset.step'; delta: 1 | -1 }
  | { type: 'model.select'; name: string }
  | { type: 'latency.set'; latencyMs: number }
  | { type: 'transport.play'; playing: Toggle }
  | { type: 'transport.seek'; seconds: number }
  | { type: 'transport.loop'; on: Toggle; startS?: number; endS?: number }
  /** Restarts the engine on other devices: an input device id or the demo clip, an output id or headless. */
  | { type: 'devices.select'; inputDevice?: number | 'demo'; outputDevice?: number | 'null' };

export interface TransportState {
  /** False when the input is a live device (no transport). */
  available: boolean;
  playing: boolean;
  positionS: number;
  durationS: number;
  loop: { on: boolean; startS: number; endS: number };
}

export interface EngineState {
  mixer: MixerState;
  model: string;
  instrument: string;
  latencyMs: number;
  preset: string | null;
  transport: TransportState;
  /** What the engine plays from and to, in words ("demo", "device 3", "null"). */
  devices?: { input: string; output: string };
}

export interface ControlTarget {
  state(): EngineState;
  /** Applies one action; throws StemstreamError('SS_ERR_BAD_MESSAGE' | 'SS_ERR_UNKNOWN_MODEL' | …) if it cannot. */
  apply(action: ControlAction): Promise<void>;
  /** Called after every change with the new state. Returns an unsubscribe function. */
  subscribe(listener: (state: EngineState) => void): () => void;
}
