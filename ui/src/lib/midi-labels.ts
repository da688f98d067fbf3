/** Words for MIDI triggers and actions on the MIDI page (pure; shared by table and learn flow). */
import type { MidiView } from '../../../engine/control/messages.js';

type Mapping = MidiView['mappings'][number];
export type MidiTriggerView = Mapping['trigger'];
export type MidiActionView = Mapping['action'];

const SWITCHES = new Set(['stem.mute', 'stem.solo', 'bypass', 'transport.play', 'transport.loop']);

/** Switch actions take toggle / momentary; faders and one-shots do not. */
export function isSwitch(a: MidiActionView): boolean {
  return SWITCHES.has(a.type);
}

/** `CC 80 · any ch`, `Note 36 · ch 10`, `Program any · ch 1`. */
export function describeMidiTrigger(t: MidiTriggerView): string {
  const ch = t.channel === 'any' ? 'any ch' : `ch ${t.channel}`;
  if (t.type === 'cc') return `CC ${t.controller} · ${ch}`;
  if (t.type === 'note') return `Note ${t.note} · ${ch}`;
  return `Program ${t.program ?? 'any'} · ${ch}`;
}

/** `Guitar mute`, `Master gain`, `Next preset`; `instrument` names the separated stem. */
export function describeMidiAction(a: MidiActionView, instrument = 'instrument'): string {
  const stem = (s: 'instrument' | 'rest') => (s === 'instrument' ? instrument.charAt(0).toUpperCase() + instrument.slice(1) : 'Rest');
  switch (a.type) {
    case 'stem.mute':
      return `${stem(a.stem)} mute`;
    case 'stem.solo':
      return `${stem(a.stem)} solo`;
    case 'stem.gain':
      return `${stem(a.stem)} gain`;
    case 'master.gain':
      return 'Master gain';
    case 'bypass':
      return 'Bypass';
    case 'transport.play':
      return 'Play / pause';
    case 'transport.loop':
      return 'Loop on / off';
    case 'preset.step':
      return a.delta > 0 ? 'Next preset' : 'Previous preset';
    case 'preset.load':
      return `Load preset “${a.name}”`;
    case 'preset.select':
      return `Preset by number (${a.names.length})`;
    case 'model.select':
      return `Model “${a.name}”`;
    case 'latency.set':
      return a.rangeMs ? `Latency ${a.rangeMs[0]}–${a.rangeMs[1]} ms` : `Latency ${a.latencyMs} ms`;
  }
}
