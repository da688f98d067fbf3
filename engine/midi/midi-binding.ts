import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { describeError } from '../errors.js';

/**
 * The MIDI binding behind one small interface, so the engine runs on the shipped
 * `@julusian/midi` (ALSA on Linux, CoreMIDI, WinMM) and tests run on a copy of the same native
 * module built for JACK (`STEMSTREAM_MIDI_BINDING=/path/midi.node`), or on a fake.
 * A port index is only valid until the next port list: open by name through `findPort`.
 */

/** Called on the main thread for each incoming message: seconds since the previous one, raw bytes. */
export type MidiMessageCallback = (deltaTime: number, bytes: Uint8Array) => void;

export interface MidiInputHandle {
  getPortCount(): number;
  getPortName(index: number): string;
  openPort(index: number): void;
  openVirtualPort(name: string): void;
  closePort(): void;
  isPortOpen(): boolean;
  /** true drops that message type (sysex, clock, active sensing). */
  ignoreTypes(sysex: boolean, timing: boolean, activeSensing: boolean): void;
  destroy(): void;
}

export interface MidiOutputHandle {
  getPortCount(): number;
  getPortName(index: number): string;
  openPort(index: number): void;
  openVirtualPort(name: string): void;
  closePort(): void;
  isPortOpen(): boolean;
  /** One complete message, status byte first. */
  sendMessage(bytes: Uint8Array): void;
  destroy(): void;
}

export interface MidiBinding {
  /** Where it came from: '@julusian/midi' or the file path. */
  readonly source: string;
  /** Throws when the MIDI system cannot be opened (e.g. no ALSA sequencer). */
  createInput(onMessage: MidiMessageCallback): MidiInputHandle;
  /** Throws when the MIDI system cannot be opened. */
  createOutput(): MidiOutputHandle;
  /**
   * Why no MIDI system can exist here, checked without touching the native code (which prints
   * ALSA errors to stderr on every attempt); null when it is worth trying.
   */
  precheck(): string | null;
}

/** Raw exports of the native module (`midi.node`): what the binding's C++ defines. */
interface NativeMidi {
  Input: new (cb: (deltaTime: number, message: Buffer) => void) => Omit<MidiInputHandle, 'sendMessage'>;
  Output: new () => Omit<MidiOutputHandle, 'sendMessage'> & { sendMessage(b: Buffer): void };
}

/** The wrapper classes of '@julusian/midi' (what the package's main export gives). */
interface JulusianMidi {
  Input: new () => Omit<MidiInputHandle, 'sendMessage'> & { on(ev: 'messageBuffer', cb: (deltaTime: number, message: Buffer) => void): unknown };
  Output: new () => Omit<MidiOutputHandle, 'sendMessage'> & { sendMessage(b: Buffer): void };
}

const requireCjs = createRequire(import.meta.url);

/**
 * Load the MIDI binding: the native module at `path` (or STEMSTREAM_MIDI_BINDING) when set,
 * `@julusian/midi` otherwise. Throws only when that module cannot be loaded at all (missing file,
 * wrong architecture); callers turn this into an "unavailable" status, not a crash.
 */
export function loadMidiBinding(path: string | undefined = process.env.STEMSTREAM_MIDI_BINDING): MidiBinding {
  if (path !== undefined && path !== '') {
    const file = isAbsolute(path) ? path : resolve(path);
    if (!existsSync(file)) throw new Error(`MIDI binding not found: ${file} (STEMSTREAM_MIDI_BINDING)`);
    return nativeBinding(requireCjs(file) as NativeMidi, file);
  }
  const pkg = requireCjs('@julusian/midi') as JulusianMidi;
  return {
    source: '@julusian/midi',
    createInput(onMessage) {
      const input = new pkg.Input();
      input.on('messageBuffer', (dt, message) => onMessage(dt, message));
      return input;
    },
    createOutput() {
      const out = new pkg.Output();
      return Object.assign(out, { sendMessage: (b: Uint8Array) => out.sendMessage(Buffer.from(b.buffer, b.byteOffset, b.byteLength)) });
    },
    precheck: platformPrecheck,
  };
}

function nativeBinding(native: NativeMidi, source: string): MidiBinding {
  if (typeof native?.Input !== 'function' || typeof native?.Output !== 'function') throw new Error(`${source} is not a MIDI binding (no Input/Output classes)`);
  return {
    source,
    createInput: (onMessage) => new native.Input((dt, message) => onMessage(dt, message)),
    createOutput() {
      const out = new native.Output();
      const send = out.sendMessage.bind(out);
      return Object.assign(out, { sendMessage: (b: Uint8Array) => send(Buffer.from(b.buffer, b.byteOffset, b.byteLength)) });
    },
    // a custom build may use JACK or anything else: let it try
    precheck: () => null,
  };
}

/** The shipped build on Linux talks to the ALSA sequencer; without /dev/snd/seq it cannot work. */
function platformPrecheck(): string | null {
  if (process.platform === 'linux' && !existsSync('/dev/snd/seq')) return 'no ALSA sequencer on this system (/dev/snd/seq is missing: load the snd-seq module, or run where a sound system exists)';
  return null;
}

/** loadMidiBinding, or the reason it failed: for status lines. */
export function tryLoadMidiBinding(path?: string): { binding: MidiBinding; error: null } | { binding: null; error: string } {
  try {
    return { binding: loadMidiBinding(path), error: null };
  } catch (e) {
    return { binding: null, error: `cannot load the MIDI binding: ${describeError(e)}` };
  }
}

/**
 * Index of the port called `wanted` in `names`: the exact name first, then the first name that
 * contains it (case-insensitive), so "FCB1010" finds "FCB1010:FCB1010 MIDI 1 24:0". -1: none.
 */
export function findPort(names: readonly string[], wanted: string): number {
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const w = wanted.toLowerCase();
  return names.findIndex((n) => n.toLowerCase().includes(w));
}

/** Names of every port a handle sees now (indices shift when devices come and go). */
export function portNames(handle: { getPortCount(): number; getPortName(i: number): string }): string[] {
  const n = handle.getPortCount();
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(handle.getPortName(i));
  return names;
}
