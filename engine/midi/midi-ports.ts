import { EventEmitter } from 'node:events';
import { StemstreamError, describeError } from '../errors.js';
import { findPort, portNames, type MidiBinding, type MidiInputHandle, type MidiOutputHandle } from './midi-binding.js';

/**
 * Opens MIDI inputs and outputs by name, several at once, and keeps them open across hot-plug:
 * a port list poll (default every second) notices a controller that disappeared (reported as
 * 'lost') and reopens it when it comes back ('opened' with reopened = true). Where no MIDI
 * system exists at all the object still works: status() says why, nothing throws, and the poll
 * keeps checking whether one appeared.
 *
 * Threads: main thread only; incoming messages arrive as 'message' events (raw bytes).
 */

export type MidiDirection = 'input' | 'output';

export interface MidiPortStatus {
  direction: MidiDirection;
  /** The name asked for (or the port name, for ports found through '*'). */
  wanted: string;
  /** The port open now, or null. */
  port: string | null;
  /** 'missing': never seen yet; 'lost': was open and disappeared (will be reopened). */
  state: 'open' | 'missing' | 'lost';
}

export interface MidiStatus {
  /** False where no MIDI system could be opened; `reason` says why. */
  available: boolean;
  reason: string | null;
  /** Which binding runs ('@julusian/midi' or a path), null when none loaded. */
  binding: string | null;
  inputs: MidiPortStatus[];
  outputs: MidiPortStatus[];
}

export interface MidiPortsOptions {
  /** Input ports by name or part of it (case-insensitive); '*' = every input except our own. */
  inputs: readonly string[];
  /** Output ports (LED feedback) by name or part of it. */
  outputs: readonly string[];
  /** Port list poll for hot-plug, ms (default 1000; 0 = only explicit scan() calls). */
  pollMs?: number;
  /** Why the binding could not be loaded (status reason when `binding` is null). */
  loadError?: string;
}

export interface MidiPortsEvents {
  message: [port: string, bytes: Uint8Array, deltaTime: number];
  opened: [direction: MidiDirection, port: string, reopened: boolean];
  lost: [direction: MidiDirection, port: string];
  /** Availability changed (the MIDI system appeared or vanished). */
  availability: [status: MidiStatus];
  warning: [message: string];
}

interface Slot {
  direction: MidiDirection;
  wanted: string;
  /** Created by '*' for one port (removed again when that port goes away for good: never). */
  wildcard: boolean;
  port: string | null;
  input: MidiInputHandle | null;
  output: MidiOutputHandle | null;
  everOpened: boolean;
}

/**
 * Port names RtMidi gives its own ports (`RtMidi Output Client-02:RtMidi Output`): under JACK and
 * ALSA our feedback outputs show up in the input list too, and '*' must not loop them back.
 */
const OWN_PORT = /^RtMidi (Input|Output) Client(-\d+)?:RtMidi (Input|Output)( \d+:\d+)?$/;

export class MidiPorts extends EventEmitter<MidiPortsEvents> {
  private readonly binding: MidiBinding | null;
  private readonly pollMs: number;
  private readonly loadError: string | undefined;
  private slots: Slot[] = [];
  private wildcardInputs = false;
  private scanIn: MidiInputHandle | null = null;
  private scanOut: MidiOutputHandle | null = null;
  private reason: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(binding: MidiBinding | null, options: MidiPortsOptions) {
    super();
    this.binding = binding;
    this.pollMs = options.pollMs ?? 1000;
    this.loadError = options.loadError;
    this.setWanted(options.inputs, options.outputs);
  }

  /** First scan, then the hot-plug poll. Returns the status after the first scan. */
  start(): MidiStatus {
    this.scan();
    if (this.pollMs > 0 && this.timer === null) {
      this.timer = setInterval(() => this.scan(), this.pollMs);
      this.timer.unref(); // MIDI alone never keeps the process alive
    }
    return this.status();
  }

  /** Change which ports are wanted (preset change): ports no longer wanted are closed. */
  setWanted(inputs: readonly string[], outputs: readonly string[]): void {
    const keep = (s: Slot) => (s.direction === 'input' ? (s.wildcard ? inputs.includes('*') : inputs.includes(s.wanted)) : outputs.includes(s.wanted));
    for (const s of this.slots) if (!keep(s)) this.closeSlot(s);
    this.slots = this.slots.filter(keep);
    this.wildcardInputs = inputs.includes('*');
    for (const w of new Set(inputs)) if (w !== '*' && !this.slots.some((s) => s.direction === 'input' && !s.wildcard && s.wanted === w)) this.slots.push(newSlot('input', w, false));
    for (const w of new Set(outputs)) if (!this.slots.some((s) => s.direction === 'output' && s.wanted === w)) this.slots.push(newSlot('output', w, false));
    if (this.scanIn !== null) this.scan();
  }

  /** Port names now, for `midi ports` and the UI. Throws SS_ERR_DEVICE without a MIDI system. */
  listPorts(): { inputs: string[]; outputs: string[] } {
    if (!this.ensureSystem()) throw new StemstreamError('SS_ERR_DEVICE', `no MIDI system: ${this.reason ?? 'unknown reason'}`);
    return { inputs: portNames(this.scanIn!), outputs: portNames(this.scanOut!) };
  }

  /**
   * Compare the wanted ports with the ports present: close what vanished ('lost'), open what is
   * there and not open yet ('opened'). Called by the poll; call it directly in tests.
   */
  scan(): void {
    if (this.closed) return;
    const wasAvailable = this.reason === null && this.scanIn !== null;
    if (!this.ensureSystem()) {
      if (wasAvailable) {
        for (const s of this.slots) this.markLost(s);
        this.emit('availability', this.status());
      }
      return;
    }
    if (!wasAvailable) this.emit('availability', this.status());
    let ins: string[];
    let outs: string[];
    try {
      ins = portNames(this.scanIn!);
      outs = portNames(this.scanOut!);
    } catch (e) {
      this.emit('warning', `MIDI port list failed: ${describeError(e)}`);
      return;
    }
    // ports that vanished
    for (const s of this.slots) if (s.port !== null && !(s.direction === 'input' ? ins : outs).includes(s.port)) this.markLost(s);
    // '*': a slot for every input that is not ours
    if (this.wildcardInputs) {
      for (const name of ins) {
        if (OWN_PORT.test(name) || this.slots.some((s) => s.direction === 'input' && s.port === name) || this.slots.some((s) => s.wildcard && s.wanted === name)) continue;
        this.slots.push(newSlot('input', name, true));
      }
    }
    // ports to open; a name is opened once even when two patterns match it
    for (const s of this.slots) {
      if (s.port !== null) continue;
      const names = s.direction === 'input' ? ins : outs;
      const taken = new Set(this.slots.filter((o) => o.direction === s.direction && o.port !== null).map((o) => o.port));
      const candidates = names.filter((n) => !taken.has(n) && !(s.direction === 'input' && OWN_PORT.test(n)));
      const i = findPort(candidates, s.wanted);
      if (i >= 0) this.openSlot(s, candidates[i]);
    }
  }

  /**
   * Send one message to the open output whose name contains `output` (case-insensitive), or to
   * every open output when `output` is undefined. Returns how many ports took it; never throws.
   */
  send(output: string | undefined, bytes: Uint8Array | readonly number[]): number {
    const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    const w = output?.toLowerCase();
    let sent = 0;
    for (const s of this.slots) {
      if (s.direction !== 'output' || s.output === null || s.port === null) continue;
      if (w !== undefined && !s.port.toLowerCase().includes(w) && !s.wanted.toLowerCase().includes(w)) continue;
      try {
        s.output.sendMessage(data);
        sent++;
      } catch (e) {
        this.emit('warning', `MIDI send to ${s.port} failed: ${describeError(e)}`);
      }
    }
    return sent;
  }

  status(): MidiStatus {
    const available = this.scanIn !== null && this.reason === null;
    const view = (dir: MidiDirection): MidiPortStatus[] =>
      this.slots.filter((s) => s.direction === dir).map((s) => ({ direction: dir, wanted: s.wanted, port: s.port, state: s.port !== null ? 'open' : s.everOpened ? 'lost' : 'missing' }));
    return { available, reason: available ? null : (this.reason ?? this.loadError ?? 'MIDI not started'), binding: this.binding?.source ?? null, inputs: view('input'), outputs: view('output') };
  }

  /** Close every port and stop polling. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.slots) this.closeSlot(s);
    for (const h of [this.scanIn, this.scanOut]) safely(() => h?.destroy());
    this.scanIn = null;
    this.scanOut = null;
  }

  /** Opens the port-list handles once; false (with `reason`) where no MIDI system exists. */
  private ensureSystem(): boolean {
    if (this.scanIn !== null && this.scanOut !== null) return true;
    if (this.binding === null) {
      this.reason = this.loadError ?? 'no MIDI binding';
      return false;
    }
    const why = this.binding.precheck();
    if (why !== null) {
      this.reason = why;
      return false;
    }
    try {
      this.scanIn = this.binding.createInput(() => {});
      this.scanOut = this.binding.createOutput();
      this.reason = null;
      return true;
    } catch (e) {
      safely(() => this.scanIn?.destroy());
      this.scanIn = null;
      this.scanOut = null;
      this.reason = `the MIDI system cannot be opened: ${describeError(e)}`;
      return false;
    }
  }

  private openSlot(s: Slot, name: string): void {
    const binding = this.binding!;
    try {
      if (s.direction === 'input') {
        // a fresh handle per open: the port list of the scanner and the new handle agree by name
        const h = binding.createInput((dt, bytes) => this.emit('message', name, bytes, dt));
        const i = findPort(portNames(h), name);
        if (i < 0) {
          h.destroy();
          return;
        }
        h.ignoreTypes(true, true, true); // no sysex, clock or active sensing: the mapper has no use for them
        h.openPort(i);
        s.input = h;
      } else {
        const h = binding.createOutput();
        const i = findPort(portNames(h), name);
        if (i < 0) {
          h.destroy();
          return;
        }
        h.openPort(i);
        s.output = h;
      }
    } catch (e) {
      this.emit('warning', `cannot open MIDI ${s.direction} "${name}": ${describeError(e)}`);
      return;
    }
    const reopened = s.everOpened;
    s.port = name;
    s.everOpened = true;
    this.emit('opened', s.direction, name, reopened);
  }

  private markLost(s: Slot): void {
    const port = s.port;
    this.closeSlot(s);
    if (port !== null) this.emit('lost', s.direction, port);
  }

  private closeSlot(s: Slot): void {
    const h = s.input ?? s.output;
    s.input = null;
    s.output = null;
    s.port = null;
    if (h !== null) {
      safely(() => h.closePort());
      safely(() => h.destroy());
    }
  }
}

function newSlot(direction: MidiDirection, wanted: string, wildcard: boolean): Slot {
  return { direction, wanted, wildcard, port: null, input: null, output: null, everOpened: false };
}

function safely(f: () => void): void {
  try {
    f();
  } catch {
    // closing a port whose device vanished may fail; there is nothing left to release
  }
}
