import type { ControlAction, EngineState } from '../control/control-target.js';
import { MAX_GAIN_DB, MIN_GAIN_DB } from '../mixer/index.js';

/**
 * What the engine state will be once `action` is applied, for the switch/fader parts the MIDI
 * mapper reads (mixer, bypass, transport, latency). Lets the MIDI controller resolve a toggle
 * against changes it has queued but not yet delivered. Pure: returns a new object, never mutates;
 * actions the view cannot predict (presets, models) leave it as it is.
 */
export function predictState(state: EngineState, action: ControlAction): EngineState {
  switch (action.type) {
    case 'stem.gain':
    case 'stem.mute':
    case 'stem.solo': {
      const strip = { ...state.mixer.stems[action.stem] };
      if (action.type === 'stem.gain') strip.gainDb = clampDb(action.gainDb);
      else if (action.type === 'stem.mute') strip.mute = resolveToggle(action.mute, strip.mute);
      else strip.solo = resolveToggle(action.solo, strip.solo);
      return { ...state, mixer: { ...state.mixer, stems: { ...state.mixer.stems, [action.stem]: strip } } };
    }
    case 'master.gain':
      return { ...state, mixer: { ...state.mixer, masterGainDb: clampDb(action.gainDb) } };
    case 'bypass':
      return { ...state, mixer: { ...state.mixer, bypass: resolveToggle(action.on, state.mixer.bypass) } };
    case 'transport.play':
      return { ...state, transport: { ...state.transport, playing: resolveToggle(action.playing, state.transport.playing) } };
    case 'transport.loop':
      return { ...state, transport: { ...state.transport, loop: { ...state.transport.loop, on: resolveToggle(action.on, state.transport.loop.on) } } };
    case 'latency.set':
      return { ...state, latencyMs: action.latencyMs };
    default:
      return state;
  }
}

/** A Toggle value against the current boolean. */
export function resolveToggle(t: boolean | 'toggle', current: boolean): boolean {
  return t === 'toggle' ? !current : t;
}

function clampDb(db: number): number {
  return Math.min(MAX_GAIN_DB, Math.max(MIN_GAIN_DB, db));
}

/**
 * Coalescing key: two actions with the same key set the same control, so only the later one
 * matters (latest value wins). null: the action is a step that must not be merged.
 */
export function actionKey(action: ControlAction): string | null {
  switch (action.type) {
    case 'stem.gain':
    case 'stem.mute':
    case 'stem.solo':
      return `${action.type}:${action.stem}`;
    case 'preset.step':
      return null;
    default:
      return action.type;
  }
}
