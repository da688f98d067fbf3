/**
 * A preset: a mixer state (gains in dB, mute, solo, master, bypass), optionally a model and a
 * latency, and MIDI mappings (validated with engine/midi's MidiMappingSchema). Stored as JSON, one file
 * per preset, `<name>.json`.
 */
import { z } from 'zod';
import { MidiMappingSchema, type MidiMappingInput } from '../midi/mapping-schema.js';
import { MAX_GAIN_DB, MIN_GAIN_DB, type MixerState } from '../mixer/index.js';
import { presetNameSchema } from './messages.js';

export const PRESET_FORMAT = 'stemstream-preset';
export const PRESET_FORMAT_VERSION = 1;

const gainDb = z.number().finite().min(MIN_GAIN_DB).max(MAX_GAIN_DB);
const strip = z.strictObject({ gainDb: gainDb.default(0), mute: z.boolean().default(false), solo: z.boolean().default(false) });

export const presetSchema = z.strictObject({
  format: z.literal(PRESET_FORMAT),
  format_version: z.literal(PRESET_FORMAT_VERSION),
  name: presetNameSchema,
  description: z.string().max(200).default(''),
  mixer: z.strictObject({
    stems: z.strictObject({ instrument: strip, rest: strip }),
    masterGainDb: gainDb.default(0),
    bypass: z.boolean().default(false),
  }),
  /** Model name on the search path; absent: keep the running model. */
  model: z.string().min(1).max(256).optional(),
  /** Separator delay in ms; absent: keep the running latency. */
  latencyMs: z.number().finite().min(1).max(5000).optional(),
  /** MIDI mappings (engine/midi/mapping-schema.ts); a preset with none keeps the mappings in force. */
  midi: z.strictObject({ mappings: z.array(MidiMappingSchema).max(512) }).default({ mappings: [] }),
});
export type Preset = z.infer<typeof presetSchema>;

/** A preset capturing the given state (for "save"). */
export function presetFromState(
  name: string,
  state: { mixer: MixerState; model?: string; latencyMs?: number },
  extra: { description?: string; midi?: { mappings: readonly MidiMappingInput[] } } = {},
): Preset {
  return presetSchema.parse({
    format: PRESET_FORMAT,
    format_version: PRESET_FORMAT_VERSION,
    name,
    description: extra.description ?? '',
    mixer: structuredClone(state.mixer),
    ...(state.model === undefined ? {} : { model: state.model }),
    ...(state.latencyMs === undefined ? {} : { latencyMs: state.latencyMs }),
    midi: { mappings: [...(extra.midi?.mappings ?? [])] },
  });
}
