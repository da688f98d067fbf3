import { Option, type Command } from 'commander';
import { StemstreamError } from '../../errors.js';
import {
  MidiActionSchema, MidiPorts, formatMidiEvent, hexBytes, mappingFromEvent, parseMidiMessage, tryLoadMidiBinding,
  type LearnRequest, type MidiBinding, type MidiEvent, type MidiMapping, type MidiStatus,
} from '../../midi/index.js';

/** Where the commands print, and which binding they use (tests pass a fake). */
export interface MidiIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** undefined: STEMSTREAM_MIDI_BINDING or @julusian/midi. */
  binding?: MidiBinding | null;
}

const defaultIo = (): MidiIo => ({ stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) });

function openSystem(io: MidiIo, inputs: readonly string[]): MidiPorts {
  let binding = io.binding;
  let loadError: string | undefined;
  if (binding === undefined) {
    const r = tryLoadMidiBinding();
    binding = r.binding;
    loadError = r.error ?? undefined;
  }
  return new MidiPorts(binding, { inputs, outputs: [], pollMs: 500, loadError });
}

function noSystem(st: MidiStatus): StemstreamError {
  return new StemstreamError('SS_ERR_DEVICE', `no MIDI system: ${st.reason ?? 'unknown reason'}`);
}

/** `stemstream midi ports`: every input and output port name (what mappings and --input match). */
export function midiPorts(opts: { json?: boolean }, io: MidiIo = defaultIo()): void {
  const ports = openSystem(io, []);
  try {
    const st = ports.start();
    if (!st.available) throw noSystem(st);
    const list = ports.listPorts();
    if (opts.json) {
      io.stdout(`${JSON.stringify({ binding: st.binding, ...list }, null, 2)}\n`);
      return;
    }
    const section = (title: string, names: string[]) => `${title}:\n${names.length === 0 ? '  (none)\n' : names.map((n, i) => `  ${i}: ${n}\n`).join('')}`;
    io.stdout(`MIDI through ${st.binding}\n${section('inputs (controllers that send)', list.inputs)}${section('outputs (for LED feedback)', list.outputs)}`);
  } finally {
    ports.close();
  }
}

/**
 * `stemstream midi monitor`: print every message from the chosen inputs (default all) until
 * Ctrl-C or `durationS`; also reports ports that come and go. Resolves with the message count.
 */
export async function midiMonitor(opts: { inputs: string[]; durationS?: number; json?: boolean; signal?: AbortSignal }, io: MidiIo = defaultIo()): Promise<number> {
  const ports = openSystem(io, opts.inputs);
  let count = 0;
  const t0 = performance.now();
  ports.on('message', (port, bytes) => {
    count++;
    const event = parseMidiMessage(bytes);
    const t = (performance.now() - t0) / 1000;
    if (opts.json) io.stdout(`${JSON.stringify({ t: Number(t.toFixed(4)), port, bytes: [...bytes], event })}\n`);
    else io.stdout(`${t.toFixed(3).padStart(9)}  ${port}  ${event === null ? `(${hexBytes(bytes)})` : formatMidiEvent(event)}\n`);
  });
  ports.on('opened', (_d, port, reopened) => io.stderr(`midi: ${reopened ? 'reopened' : 'listening to'} ${port}\n`));
  ports.on('lost', (_d, port) => io.stderr(`midi: ${port} disappeared (will reopen when it comes back)\n`));
  ports.on('warning', (m) => io.stderr(`midi: warning: ${m}\n`));
  try {
    const st = ports.start();
    if (!st.available) throw noSystem(st);
    if (st.inputs.every((s) => s.state !== 'open')) io.stderr(`midi: no input matches ${opts.inputs.join(', ')} yet; waiting (see \`stemstream midi ports\`)\n`);
    await waitUntil(opts.durationS, opts.signal);
  } finally {
    ports.close();
  }
  return count;
}

/**
 * `stemstream midi learn`: wait for the first press / moved control on the chosen inputs and
 * return the mapping that binds it to `request` (printed as JSON by the command).
 */
export async function midiLearn(opts: { inputs: string[]; request: LearnRequest; timeoutS: number; signal?: AbortSignal }, io: MidiIo = defaultIo()): Promise<{ mapping: MidiMapping; port: string }> {
  const ports = openSystem(io, opts.inputs);
  try {
    const st = ports.start();
    if (!st.available) throw noSystem(st);
    io.stderr(`midi learn: press the pedal / move the control for ${opts.request.action.type} (${opts.timeoutS} s)…\n`);
    const got = await new Promise<{ event: MidiEvent; port: string } | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), opts.timeoutS * 1000);
      opts.signal?.addEventListener('abort', () => resolve(null), { once: true });
      ports.on('message', (port, bytes) => {
        const event = parseMidiMessage(bytes);
        // a release or note-off is the tail of a press: wait for the press itself
        if (event === null || event.kind === 'noteoff' || (event.kind === 'cc' && event.value < 64 && isSwitch(opts.request))) return;
        clearTimeout(timer);
        resolve({ event, port });
      });
    });
    if (got === null) throw new StemstreamError('SS_ERR_DEVICE', `midi learn: no MIDI message within ${opts.timeoutS} s (check \`stemstream midi monitor\`)`);
    return { mapping: mappingFromEvent(got.event, opts.request), port: got.port };
  } finally {
    ports.close();
  }
}

function isSwitch(r: LearnRequest): boolean {
  return ['stem.mute', 'stem.solo', 'bypass', 'transport.play', 'transport.loop'].includes(r.action.type);
}

/**
 * The action of `midi learn --action`: JSON (`{"type":"stem.mute","stem":"instrument"}`) or a
 * shorthand: mute:<stem> solo:<stem> gain:<stem> master bypass play loop next prev
 * preset:<name> model:<name> latency:<ms>.
 */
export function parseActionSpec(spec: string): LearnRequest['action'] {
  const s = spec.trim();
  if (s.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(s);
    } catch {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `--action: not valid JSON: ${s}`);
    }
    const r = MidiActionSchema.safeParse(json);
    if (!r.success) throw new StemstreamError('SS_ERR_BAD_OPTION', `--action: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    return r.data;
  }
  const [head, ...rest] = s.split(':');
  const arg = rest.join(':');
  const stem = (): 'instrument' | 'rest' => {
    if (arg !== 'instrument' && arg !== 'rest') throw new StemstreamError('SS_ERR_BAD_OPTION', `--action ${head}: stem must be instrument or rest, got "${arg}"`);
    return arg;
  };
  const named = (): string => {
    if (arg === '') throw new StemstreamError('SS_ERR_BAD_OPTION', `--action ${head}: needs a name (${head}:<name>)`);
    return arg;
  };
  switch (head) {
    case 'mute': return { type: 'stem.mute', stem: stem() };
    case 'solo': return { type: 'stem.solo', stem: stem() };
    case 'gain': return { type: 'stem.gain', stem: stem() };
    case 'master': return { type: 'master.gain' };
    case 'bypass': return { type: 'bypass' };
    case 'play': return { type: 'transport.play' };
    case 'loop': return { type: 'transport.loop' };
    case 'next': return { type: 'preset.step', delta: 1 };
    case 'prev': return { type: 'preset.step', delta: -1 };
    case 'preset': return { type: 'preset.load', name: named() };
    case 'model': return { type: 'model.select', name: named() };
    case 'latency': {
      const ms = Number(arg);
      if (!(ms > 0 && ms <= 5000)) throw new StemstreamError('SS_ERR_BAD_OPTION', `--action latency: needs a latency in ms (latency:120), got "${arg}"`);
      return { type: 'latency.set', latencyMs: ms };
    }
    default:
      throw new StemstreamError('SS_ERR_BAD_OPTION', `--action: unknown action "${spec}"; use mute:<stem>, solo:<stem>, gain:<stem>, master, bypass, play, loop, next, prev, preset:<name>, model:<name>, latency:<ms> or JSON`);
  }
}

function waitUntil(durationS: number | undefined, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      if (timer !== undefined) clearTimeout(timer);
      resolve();
    };
    const timer = durationS !== undefined ? setTimeout(done, durationS * 1000) : undefined;
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function seconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > 1e6) throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be a number of seconds above 0, got "${value}"`);
    return n;
  };
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `stemstream midi ports|monitor|learn`: troubleshooting and binding foot controllers. */
export function registerMidi(program: Command): void {
  const midi = program.command('midi').description('MIDI controllers: list ports, watch messages, learn a mapping');
  midi
    .command('ports')
    .description('list MIDI input and output ports (the names mappings and --input match)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => midiPorts(opts));
  midi
    .command('monitor')
    .description('print every incoming MIDI message (Ctrl-C to stop)')
    .option('-i, --input <name>', 'input port name or part of it (repeatable; default: all)', collect)
    .option('--duration <s>', 'stop after S seconds', seconds('--duration'))
    .option('--json', 'one JSON object per message')
    .action(async (opts: { input?: string[]; duration?: number; json?: boolean }) => {
      await midiMonitor({ inputs: opts.input ?? ['*'], durationS: opts.duration, json: opts.json });
    });
  midi
    .command('learn')
    .description('wait for a pedal press / control move and print the mapping JSON for a preset')
    .requiredOption('-a, --action <spec>', 'what the control does: mute:<stem> solo:<stem> gain:<stem> master bypass play loop next prev preset:<name> model:<name> latency:<ms>, or JSON')
    .option('-i, --input <name>', 'input port name or part of it (repeatable; default: all)', collect)
    .addOption(new Option('--mode <mode>', 'switches: toggle on each press, or momentary (on while held)').choices(['toggle', 'momentary']).default('toggle'))
    .option('--feedback', 'send LED state back to the controller')
    .option('--bind-input', 'restrict the mapping to the port the message came from')
    .option('--timeout <s>', 'give up after S seconds', seconds('--timeout'), 30)
    .action(async (opts: { action: string; input?: string[]; mode: 'toggle' | 'momentary'; feedback?: boolean; bindInput?: boolean; timeout: number }) => {
      const request: LearnRequest = { action: parseActionSpec(opts.action), mode: opts.mode, ...(opts.feedback ? { feedback: true as const } : {}) };
      const { mapping, port } = await midiLearn({ inputs: opts.input ?? ['*'], request, timeoutS: opts.timeout });
      process.stderr.write(`midi learn: bound to ${port}\n`);
      process.stdout.write(`${JSON.stringify(opts.bindInput ? { ...mapping, input: port } : mapping, null, 2)}\n`);
    });
}
