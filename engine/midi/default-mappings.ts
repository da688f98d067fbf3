import { readFileSync } from 'node:fs';
import { repoPath } from '../paths.js';
import { parseMidiConfig, type MidiConfig } from './mapping-schema.js';

/** Shipped MIDI configs (JSON under engine/midi/defaults/, includable by presets). */
export const DEFAULT_MIDI_CONFIGS = {
  /** Generic 4-switch foot controller, CC 80–83: mute / solo instrument, bypass, play/pause, with LED feedback. */
  'foot-4-switch': 'foot-4-switch.json',
  /** A sustain pedal (CC 64): each press toggles the instrument's mute. */
  'sustain-pedal': 'sustain-pedal.json',
} as const;
export type DefaultMidiConfigName = keyof typeof DEFAULT_MIDI_CONFIGS;

/** Absolute path of a shipped config (works from engine/ and dist/engine/). */
export function defaultMidiConfigPath(name: DefaultMidiConfigName): string {
  return repoPath('engine', 'midi', 'defaults', DEFAULT_MIDI_CONFIGS[name]);
}

/** Loads and validates a shipped config. */
export function loadDefaultMidiConfig(name: DefaultMidiConfigName): MidiConfig {
  const path = defaultMidiConfigPath(name);
  return parseMidiConfig(JSON.parse(readFileSync(path, 'utf8')), path);
}
