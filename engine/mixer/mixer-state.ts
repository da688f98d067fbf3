import { MixerParam, type MixerStem } from './mixer-params.js';

/** Desired mixer state as the UI / MIDI / CLI describe it (control thread). */
export interface StripState {
  gainDb: number;
  mute: boolean;
  solo: boolean;
}

export interface MixerState {
  stems: Record<MixerStem, StripState>;
  masterGainDb: number;
  bypass: boolean;
}

/** Unity gains, nothing muted, soloed or bypassed. Returns a fresh object. */
export function defaultMixerState(): MixerState {
  return {
    stems: {
      instrument: { gainDb: 0, mute: false, solo: false },
      rest: { gainDb: 0, mute: false, solo: false },
    },
    masterGainDb: 0,
    bypass: false,
  };
}

/** Sends one (paramIndex, value) change toward the audio thread; false when its ring is full. */
export type EmitParam = (paramIndex: number, value: number) => boolean;

/**
 * Reconcile (control thread): emit only the parameters that differ between `prev` and `next`,
 * in a fixed order. Returns how many changes were emitted and how many the emitter refused
 * (ring full — the caller should retry later with the same `prev`, or resend the full state).
 * `prev` undefined sends everything (initial sync).
 */
export function diffMixerState(prev: MixerState | undefined, next: MixerState, emit: EmitParam): { sent: number; refused: number } {
  let sent = 0;
  let refused = 0;
  const send = (id: number, a: number | boolean | undefined, b: number | boolean): void => {
    if (a === b) return;
    if (emit(id, typeof b === 'boolean' ? (b ? 1 : 0) : b)) sent++;
    else refused++;
  };
  const p = prev?.stems;
  send(MixerParam.INSTRUMENT_GAIN_DB, p?.instrument.gainDb, next.stems.instrument.gainDb);
  send(MixerParam.INSTRUMENT_MUTE, p?.instrument.mute, next.stems.instrument.mute);
  send(MixerParam.INSTRUMENT_SOLO, p?.instrument.solo, next.stems.instrument.solo);
  send(MixerParam.REST_GAIN_DB, p?.rest.gainDb, next.stems.rest.gainDb);
  send(MixerParam.REST_MUTE, p?.rest.mute, next.stems.rest.mute);
  send(MixerParam.REST_SOLO, p?.rest.solo, next.stems.rest.solo);
  send(MixerParam.MASTER_GAIN_DB, prev?.masterGainDb, next.masterGainDb);
  send(MixerParam.BYPASS, prev?.bypass, next.bypass);
  return { sent, refused };
}
