/**
 * The control protocol (see PROTOCOL.md): one zod schema per message type, a discriminated
 * union per direction, one parser that enforces the size limit before it reads anything.
 * The server validates what it receives and what it sends; the UI uses the same types.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { MAX_GAIN_DB, MIN_GAIN_DB, MIXER_STEMS } from '../mixer/index.js';
import { MidiActionSchema, MidiMappingSchema } from '../midi/mapping-schema.js';
import { MAX_WAVEFORM_BINS, peaksFitBins } from './waveform-codec.js';

/** Bumped on any incompatible change; sent in `hello` and every `snapshot`. */
export const PROTOCOL_VERSION = 1;
/** Largest text message the server reads (bytes, UTF-8). Larger ones get `too-large`. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * Stable reasons carried next to the engine error code in every error reply, so a client can
 * tell a malformed message from a refused one without parsing the text.
 */
export const ERROR_REASONS = [
  'too-large',
  'binary',
  'bad-json',
  'unknown-type',
  'invalid',
  'unauthorized',
  'hello-required',
  'not-found',
  'read-only',
  'refused',
  'timeout',
  'internal',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

const stem = z.enum(MIXER_STEMS);
const gainDb = z.number().finite().min(MIN_GAIN_DB).max(MAX_GAIN_DB);
const toggle = z.union([z.boolean(), z.literal('toggle')]);
const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();
/** Preset names double as file names: letters, digits, space, `_ . -`, no leading dot. */
export const presetNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'letters, digits, space, "_", "." and "-" only, starting with a letter or digit');

/** ControlAction (engine/control/control-target.ts) as a schema: the only way to change the engine. */
export const controlActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('stem.gain'), stem, gainDb }),
  z.strictObject({ type: z.literal('stem.mute'), stem, mute: toggle }),
  z.strictObject({ type: z.literal('stem.solo'), stem, solo: toggle }),
  z.strictObject({ type: z.literal('master.gain'), gainDb }),
  z.strictObject({ type: z.literal('bypass'), on: toggle }),
  z.strictObject({ type: z.literal('preset.load'), name: presetNameSchema }),
  z.strictObject({ type: z.literal('preset.step'), delta: z.union([z.literal(1), z.literal(-1)]) }),
  z.strictObject({ type: z.literal('model.select'), name: z.string().min(1).max(256) }),
  z.strictObject({ type: z.literal('latency.set'), latencyMs: z.number().finite().min(1).max(5000) }),
  z.strictObject({ type: z.literal('transport.play'), playing: toggle }),
  z.strictObject({ type: z.literal('transport.seek'), seconds: z.number().finite().min(0).max(1e7) }),
  z.strictObject({
    type: z.literal('transport.loop'),
    on: toggle,
    startS: z.number().finite().min(0).max(1e7).optional(),
    endS: z.number().finite().min(0).max(1e7).optional(),
  }),
  z.strictObject({
    type: z.literal('devices.select'),
    inputDevice: z.union([z.number().int().min(0).max(1e6), z.literal('demo')]).optional(),
    outputDevice: z.union([z.number().int().min(0).max(1e6), z.literal('null')]).optional(),
  }),
]);

/** Client → server. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), protocol: z.number().int(), token: z.string().max(256).optional(), client: z.string().max(64).optional() }),
  z.strictObject({ type: z.literal('action'), id, action: controlActionSchema }),
  z.strictObject({ type: z.literal('ping'), id }),
  z.strictObject({ type: z.literal('presets.list'), id }),
  z.strictObject({ type: z.literal('presets.save'), id, name: presetNameSchema, description: z.string().max(200).optional() }),
  z.strictObject({ type: z.literal('presets.rename'), id, from: presetNameSchema, to: presetNameSchema }),
  z.strictObject({ type: z.literal('presets.delete'), id, name: presetNameSchema }),
  z.strictObject({ type: z.literal('models.list'), id }),
  z.strictObject({ type: z.literal('devices.list'), id }),
  z.strictObject({ type: z.literal('offline.list'), id }),
  /** The overview of the file the transport plays (replied with `waveform`). */
  z.strictObject({ type: z.literal('waveform.get'), id }),
  /** Arm MIDI learn: the next control moved binds to `action`; replied with `midi.learned` or an error. */
  z.strictObject({
    type: z.literal('midi.learn'),
    id,
    action: MidiActionSchema,
    mode: z.enum(['toggle', 'momentary']).optional(),
    takeover: z.enum(['soft', 'jump']).optional(),
    feedback: z.boolean().optional(),
    name: z.string().max(200).optional(),
    timeoutMs: z.number().int().min(1000).max(120_000).optional(),
  }),
  z.strictObject({ type: z.literal('midi.cancelLearn'), id }),
  z.strictObject({ type: z.literal('midi.setMappings'), id, mappings: z.array(MidiMappingSchema).max(512) }),
  z.strictObject({ type: z.literal('midi.deleteMapping'), id, index: z.number().int().min(0).max(511) }),
  /** Replace the mappings with a shipped map (engine/midi/defaults). */
  z.strictObject({ type: z.literal('midi.loadDefault'), id, name: z.enum(['foot-4-switch', 'sustain-pedal']) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly string[] = clientMessageSchema.options.map((o) => o.shape.type.value);

const stripState = z.strictObject({ gainDb: z.number(), mute: z.boolean(), solo: z.boolean() });
export const mixerStateSchema = z.strictObject({
  stems: z.strictObject({ instrument: stripState, rest: stripState }),
  masterGainDb: z.number(),
  bypass: z.boolean(),
});
export const engineStateSchema = z.strictObject({
  mixer: mixerStateSchema,
  model: z.string(),
  instrument: z.string(),
  latencyMs: z.number(),
  preset: z.string().nullable(),
  transport: z.strictObject({
    available: z.boolean(),
    playing: z.boolean(),
    positionS: z.number(),
    durationS: z.number(),
    loop: z.strictObject({ on: z.boolean(), startS: z.number(), endS: z.number() }),
  }),
  devices: z.strictObject({ input: z.string(), output: z.string() }).optional(),
});

export const engineStatusSchema = z.strictObject({
  running: z.boolean(),
  latencyMs: z.number(),
  cpuPercent: z.number(),
  deadlineMisses: z.number(),
  xruns: z.number(),
  inferenceMs: z.number(),
  inferenceRtf: z.number(),
  model: z.string(),
  sampleRate: z.number(),
  bufferFrames: z.number(),
  deviceState: z.string(),
  message: z.string().optional(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

export const presetInfoSchema = z.strictObject({ name: z.string(), readOnly: z.boolean(), description: z.string() });
export type PresetInfo = z.infer<typeof presetInfoSchema>;

export const offlineJobSchema = z.strictObject({
  id: z.string(),
  file: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().min(0).max(1),
  message: z.string().optional(),
  stems: z.array(z.string()),
});
export type OfflineJob = z.infer<typeof offlineJobSchema>;

const midiPortState = z.strictObject({
  direction: z.enum(['input', 'output']),
  wanted: z.string(),
  port: z.string().nullable(),
  state: z.enum(['open', 'missing', 'lost']),
});
/** One message seen on a MIDI input (the monitor strip). */
export const midiEventSchema = z.strictObject({
  port: z.string(),
  /** `ch 1  cc 80 = 127` (formatMidiEvent). */
  text: z.string(),
  /** Milliseconds since the server started (ordering and "how long ago"). */
  atMs: z.number(),
});
export type MidiMonitorEvent = z.infer<typeof midiEventSchema>;
/** The MIDI side as the UI shows it; `available: false` with `reason` where there is no MIDI system. */
export const midiViewSchema = z.strictObject({
  available: z.boolean(),
  reason: z.string().nullable(),
  binding: z.string().nullable(),
  inputs: z.array(midiPortState),
  outputs: z.array(midiPortState),
  mappings: z.array(MidiMappingSchema),
  /** The action learn mode waits to bind, or null. */
  learning: MidiActionSchema.nullable(),
  lastEvent: midiEventSchema.nullable(),
});
export type MidiView = z.infer<typeof midiViewSchema>;

const deviceInfo = z.strictObject({ id: z.number(), name: z.string(), inputChannels: z.number(), outputChannels: z.number(), api: z.string() });

/** Server → client (text frames; meters and spectra are binary, see binary-frames.ts). */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), protocol: z.number().int(), server: z.literal('stemstream'), needsToken: z.boolean() }),
  z.strictObject({
    type: z.literal('snapshot'),
    protocol: z.number().int(),
    seq: z.number().int(),
    state: engineStateSchema,
    status: engineStatusSchema,
    presets: z.array(presetInfoSchema),
    models: z.array(z.string()),
    /** Absent when the engine runs without MIDI (--no-midi). */
    midi: midiViewSchema.optional(),
  }),
  /** The whole MIDI view, sent to every client whenever any of it changes (ports, mappings, learn). */
  z.strictObject({ type: z.literal('midi'), midi: midiViewSchema }),
  /** Incoming MIDI messages for the monitor, batched (at most about 20 batches a second). */
  z.strictObject({ type: z.literal('midi.events'), events: z.array(midiEventSchema).max(64) }),
  /** Reply to `midi.learn`: the new mapping, already active. */
  z.strictObject({ type: z.literal('midi.learned'), id, mapping: MidiMappingSchema }),
  /** Leaf paths ("mixer.stems.rest.mute") that changed since seq − 1, with their new values. */
  z.strictObject({ type: z.literal('delta'), seq: z.number().int(), changes: z.record(z.string(), z.unknown()) }),
  z.strictObject({ type: z.literal('status'), status: engineStatusSchema }),
  z.strictObject({ type: z.literal('presets'), id, presets: z.array(presetInfoSchema) }),
  z.strictObject({ type: z.literal('models'), id, models: z.array(z.string()) }),
  z.strictObject({ type: z.literal('devices'), id, devices: z.array(deviceInfo), error: z.string().optional() }),
  z.strictObject({ type: z.literal('offline'), id, jobs: z.array(offlineJobSchema) }),
  /**
   * Reply to `waveform.get`: the min/max overview of the input file (waveform-codec.ts), for the
   * input named (`devices.input` of the state). A live device input has none: 0 bins.
   */
  z
    .strictObject({
      type: z.literal('waveform'),
      id,
      input: z.string(),
      durationS: z.number().finite().min(0),
      binS: z.number().finite().min(0),
      bins: z.number().int().min(0).max(MAX_WAVEFORM_BINS),
      peaks: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
    })
    .refine((m) => peaksFitBins(m.peaks, m.bins), { message: 'peaks must be base64 of 2 bytes per bin', path: ['peaks'] }),
  z.strictObject({ type: z.literal('ack'), id: z.number().int() }),
  z.strictObject({ type: z.literal('pong'), id }),
  z.strictObject({ type: z.literal('error'), id, code: z.string(), reason: z.enum(ERROR_REASONS), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ErrorReply = Extract<ServerMessage, { type: 'error' }>;

/** A protocol failure with its engine code and stable reason; becomes one error reply. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: ErrorReason,
    message: string,
    readonly id?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  toReply(): ErrorReply {
    return { type: 'error', ...(this.id === undefined ? {} : { id: this.id }), code: this.code, reason: this.reason, message: this.message };
  }
}

/** Short `path: problem` list of a zod error, at most a few lines. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 4)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses one client frame. Pure: throws ProtocolError (never anything else). `data` is the raw
 * frame; the byte length is checked before decoding or JSON parsing.
 */
export function parseClientMessage(data: string | Buffer | ArrayBuffer | Buffer[], isBinary: boolean, maxBytes = MAX_MESSAGE_BYTES): ClientMessage {
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
  if (bytes > maxBytes) throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'too-large', `message of ${bytes} bytes exceeds the ${maxBytes}-byte limit`);
  if (isBinary) throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'binary', 'binary messages are not accepted from clients');
  const text = typeof data === 'string' ? data : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'bad-json', `message is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'invalid', 'message must be a JSON object with a "type"');
  }
  const obj = raw as Record<string, unknown>;
  const msgId = typeof obj.id === 'number' && Number.isSafeInteger(obj.id) && obj.id >= 0 ? obj.id : undefined;
  if (typeof obj.type !== 'string' || !CLIENT_MESSAGE_TYPES.includes(obj.type)) {
    const shown = typeof obj.type === 'string' ? `"${obj.type.slice(0, 40)}"` : 'missing';
    throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'unknown-type', `unknown message type ${shown}; known: ${CLIENT_MESSAGE_TYPES.join(', ')}`, msgId);
  }
  const parsed = clientMessageSchema.safeParse(raw);
  if (!parsed.success) throw new ProtocolError('SS_ERR_BAD_MESSAGE', 'invalid', `invalid "${obj.type}" message: ${describeIssues(parsed.error)}`, msgId);
  return parsed.data;
}

/** Validates an outgoing message (the server never sends what the schema refuses) and serialises it. */
export function encodeServerMessage(msg: ServerMessage): string {
  const parsed = serverMessageSchema.safeParse(msg);
  if (!parsed.success) throw new Error(`stemstream: refusing to send an invalid "${msg.type}" message: ${describeIssues(parsed.error)}`);
  return JSON.stringify(parsed.data);
}
