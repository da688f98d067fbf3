import { z } from 'zod';
import { StemstreamError } from '../errors.js';
import { MAX_GAIN_DB, MIXER_STEMS } from '../mixer/index.js';

/**
 * MIDI mapping schema: what a preset stores under `midi`. Presets embed `MidiConfigSchema`;
 * `parseMidiConfig` is the one door for untrusted JSON (preset files, the UI, `midi learn`).
 *
 * A mapping = trigger (which message: cc / note / program, on which channel) + action (what it
 * does) + how (toggle or momentary for switches, soft takeover for faders) + optional LED feedback.
 */

const data7 = z.number().int().min(0).max(127);
/** MIDI channel as users count it (1–16), or 'any'. */
export const MidiChannelSchema = z.union([z.number().int().min(1).max(16), z.literal('any')]);

export const MidiTriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cc'), channel: MidiChannelSchema.default('any'), controller: data7 }),
  z.strictObject({ type: z.literal('note'), channel: MidiChannelSchema.default('any'), note: data7 }),
  /** Without `program`, any program number matches (the action then reads the number). */
  z.strictObject({ type: z.literal('program'), channel: MidiChannelSchema.default('any'), program: data7.optional() }),
]);

const stem = z.enum(MIXER_STEMS);
export const GainCurveSchema = z
  .strictObject({ maxDb: z.number().min(-60).max(MAX_GAIN_DB).default(6), unityCc: z.number().gt(0).lt(127).default(100) })
  .refine((c) => c.maxDb > 0, { message: 'maxDb must be above 0 dB (unity must lie inside the travel)' });

/** What a mapping does (the MIDI side of a ControlAction: the value comes from the message). */
export const MidiActionSchema = z.discriminatedUnion('type', [
  // switches: toggle or momentary
  z.strictObject({ type: z.literal('stem.mute'), stem }),
  z.strictObject({ type: z.literal('stem.solo'), stem }),
  z.strictObject({ type: z.literal('bypass') }),
  z.strictObject({ type: z.literal('transport.play') }),
  z.strictObject({ type: z.literal('transport.loop') }),
  // faders: CC value → dB along the curve
  z.strictObject({ type: z.literal('stem.gain'), stem, curve: GainCurveSchema.optional() }),
  z.strictObject({ type: z.literal('master.gain'), curve: GainCurveSchema.optional() }),
  // one-shots: on press
  z.strictObject({ type: z.literal('preset.step'), delta: z.union([z.literal(1), z.literal(-1)]) }),
  z.strictObject({ type: z.literal('preset.load'), name: z.string().min(1).max(200) }),
  /** Program change (or CC value) n loads names[n]; numbers past the list are ignored. */
  z.strictObject({ type: z.literal('preset.select'), names: z.array(z.string().min(1).max(200)).min(1).max(128) }),
  z.strictObject({ type: z.literal('model.select'), name: z.string().min(1).max(200) }),
  /** A fixed latency on press, or with `rangeMs` a CC sweeping [min, max] ms. */
  z
    .strictObject({
      type: z.literal('latency.set'),
      latencyMs: z.number().positive().max(5000).optional(),
      rangeMs: z.tuple([z.number().positive().max(5000), z.number().positive().max(5000)]).optional(),
    })
    .refine((a) => (a.latencyMs === undefined) !== (a.rangeMs === undefined), { message: 'latency.set needs exactly one of latencyMs or rangeMs' }),
]);

export const MidiFeedbackSchema = z.strictObject({
  /** Output port name (or part of it); default: every port in the config's `outputs`. */
  output: z.string().min(1).optional(),
  /** Message that carries the LED state; defaults to the trigger's own type / channel / number. */
  type: z.enum(['cc', 'note']).optional(),
  channel: z.number().int().min(1).max(16).optional(),
  number: data7.optional(),
  /** Values for LED on and off (note: velocity; off as note-on velocity 0 is what most devices want). */
  on: data7.default(127),
  off: data7.default(0),
});

export const MidiMappingSchema = z
  .strictObject({
    /** Label shown in the UI and in warnings. */
    name: z.string().max(200).optional(),
    /** Only messages from input ports whose name contains this text (case-insensitive). */
    input: z.string().min(1).optional(),
    trigger: MidiTriggerSchema,
    action: MidiActionSchema,
    /**
     * Switches: 'toggle' flips on each press (CC ≥ 64 / note on); 'momentary' is on while held (off
     * at CC < 64 / note off), which also suits a latching switch that sends 127 and 0 in turn.
     */
    mode: z.enum(['toggle', 'momentary']).default('toggle'),
    /** Faders: 'soft' ignores the control until it crosses the current value; 'jump' follows at once. */
    takeover: z.enum(['soft', 'jump']).default('soft'),
    /** LED feedback: true for the trigger's own address, or an explicit address. */
    feedback: z.union([z.literal(true), MidiFeedbackSchema]).optional(),
  })
  .refine((m) => !((m.action.type === 'stem.gain' || m.action.type === 'master.gain') && m.trigger.type !== 'cc'), {
    message: 'gain mappings need a cc trigger (a fader or expression pedal)',
  })
  .refine((m) => !(m.action.type === 'latency.set' && m.action.rangeMs !== undefined && m.trigger.type !== 'cc'), {
    message: 'latency.set with rangeMs needs a cc trigger',
  });

export const MidiConfigSchema = z.strictObject({
  /** Input ports to open, by name or part of it (case-insensitive); '*' opens every input. */
  inputs: z.array(z.string().min(1).max(200)).max(16).default(['*']),
  /** Output ports for LED feedback, by name or part of it. */
  outputs: z.array(z.string().min(1).max(200)).max(16).default([]),
  mappings: z.array(MidiMappingSchema).max(512).default([]),
});

export type MidiChannel = z.infer<typeof MidiChannelSchema>;
export type MidiTrigger = z.infer<typeof MidiTriggerSchema>;
export type MidiAction = z.infer<typeof MidiActionSchema>;
export type MidiFeedback = z.infer<typeof MidiFeedbackSchema>;
export type MidiMapping = z.infer<typeof MidiMappingSchema>;
/** What one writes in a preset file (defaults may be left out). */
export type MidiMappingInput = z.input<typeof MidiMappingSchema>;
export type MidiConfig = z.infer<typeof MidiConfigSchema>;
export type MidiConfigInput = z.input<typeof MidiConfigSchema>;

/** Validate untrusted MIDI config JSON; throws StemstreamError('SS_ERR_BAD_MESSAGE') naming the path and problem. */
export function parseMidiConfig(json: unknown, source = 'MIDI config'): MidiConfig {
  const r = MidiConfigSchema.safeParse(json);
  if (!r.success) throw new StemstreamError('SS_ERR_BAD_MESSAGE', `${source}: ${describeIssues(r.error)}`, { details: r.error.issues });
  return r.data;
}

/** Validate one mapping (from learn mode or the UI). */
export function parseMidiMapping(json: unknown, source = 'MIDI mapping'): MidiMapping {
  const r = MidiMappingSchema.safeParse(json);
  if (!r.success) throw new StemstreamError('SS_ERR_BAD_MESSAGE', `${source}: ${describeIssues(r.error)}`, { details: r.error.issues });
  return r.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
