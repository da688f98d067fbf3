/**
 * The UI's one link to the engine: a WebSocket speaking engine/control/PROTOCOL.md. Holds the
 * latest state (snapshot + deltas), status, presets, and the meter/spectrum frames; reconnects
 * with backoff when the engine restarts.
 */
import { decodeFrame } from '../../../engine/control/binary-frames.js';
import { decodeWaveform } from '../../../engine/control/waveform-codec.js';
import type { ControlAction, EngineState } from '../../../engine/control/control-target.js';
import type { EngineStatus, MidiMonitorEvent, MidiView, OfflineJob, PresetInfo, ServerMessage } from '../../../engine/control/messages.js';

export type { ControlAction, EngineState, EngineStatus, MidiMonitorEvent, MidiView, OfflineJob, PresetInfo };
export type MidiMapping = MidiView['mappings'][number];
export type MidiLearnAction = NonNullable<MidiView['learning']>;

/** Where the MIDI page's learn flow stands. */
export type LearnState =
  | { phase: 'idle' }
  | { phase: 'waiting'; id: number; action: MidiLearnAction }
  | { phase: 'learned'; mapping: MidiMapping }
  | { phase: 'failed'; message: string };
export type LinkState = 'connecting' | 'open' | 'closed';

export interface DeviceEntry {
  id: number;
  name: string;
  inputChannels: number;
  outputChannels: number;
  api: string;
}

/** The overview of the file the transport plays (min/max per bin, −1..1). */
export interface Waveform {
  input: string;
  durationS: number;
  binS: number;
  min: Float32Array;
  max: Float32Array;
}

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** Sets "a.b.c" inside obj (deltas are leaf paths). */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

export class Connection {
  link = $state<LinkState>('connecting');
  state = $state<EngineState | null>(null);
  status = $state<EngineStatus | null>(null);
  presets = $state<PresetInfo[]>([]);
  models = $state<string[]>([]);
  devices = $state<DeviceEntry[]>([]);
  devicesError = $state<string | undefined>(undefined);
  jobs = $state<OfflineJob[]>([]);
  /** The engine's MIDI side; null when it runs without MIDI (or before the snapshot). */
  midi = $state<MidiView | null>(null);
  /** Recent incoming MIDI messages, newest first (the monitor strip). */
  midiEvents = $state<MidiMonitorEvent[]>([]);
  learn = $state<LearnState>({ phase: 'idle' });
  toasts = $state<Toast[]>([]);
  /** Linear meters (12, layout of mixer-params.ts), refreshed at the frame rate. */
  meters = $state<number[]>(new Array(12).fill(0));
  positionS = $state(0);
  /** The input file's overview (null for a live device, or until the engine sends it). */
  waveform = $state.raw<Waveform | null>(null);
  /** Listeners for spectrum columns (the canvas draws them; not reactive state). */
  private spectrumListeners = new Set<(mag: Float32Array, mask: Float32Array) => void>();
  private ws: WebSocket | null = null;
  private retryMs = 500;
  private nextId = 1;
  private toastId = 1;
  readonly token: string | null;

  constructor(private readonly url: string) {
    this.token = new URL(location.href).searchParams.get('token');
    this.open();
  }

  onSpectrum(fn: (mag: Float32Array, mask: Float32Array) => void): () => void {
    this.spectrumListeners.add(fn);
    return () => this.spectrumListeners.delete(fn);
  }

  /** Sends an action; errors come back as toasts. */
  act(action: ControlAction): void {
    this.send({ type: 'action', id: this.nextId++, action });
  }

  send(msg: Record<string, unknown> & { type: string }): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  request(type: string, extra: Record<string, unknown> = {}): number {
    const id = this.nextId++;
    this.send({ type, id, ...extra });
    return id;
  }

  /** MIDI learn: the next control moved on a controller binds to `action`. */
  startLearn(action: MidiLearnAction, options: { mode?: 'toggle' | 'momentary'; feedback?: boolean } = {}): void {
    const id = this.request('midi.learn', { action, ...options });
    this.learn = { phase: 'waiting', id, action };
  }

  cancelLearn(): void {
    this.learn = { phase: 'idle' };
    this.request('midi.cancelLearn');
  }

  toast(kind: Toast['kind'], text: string): void {
    const t = { id: this.toastId++, kind, text };
    this.toasts = [...this.toasts.slice(-3), t];
    setTimeout(() => (this.toasts = this.toasts.filter((x) => x.id !== t.id)), kind === 'error' ? 6000 : 3000);
  }

  private open(): void {
    this.link = 'connecting';
    const u = new URL(this.url, location.href);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.token) u.searchParams.set('token', this.token);
    const ws = new WebSocket(u);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, client: 'stemstream-ui', ...(this.token ? { token: this.token } : {}) }));
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.onText(JSON.parse(ev.data) as ServerMessage);
      else this.onBinary(ev.data as ArrayBuffer);
    };
    ws.onclose = () => {
      this.link = 'closed';
      this.ws = null;
      // The engine restarts (or the machine sleeps): keep trying, a little slower each time.
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(5000, this.retryMs * 1.6);
    };
  }

  private onBinary(buf: ArrayBuffer): void {
    const f = decodeFrame(buf);
    if (!f) return;
    if (f.kind === 'meters') {
      this.meters = Array.from(f.meters);
      this.positionS = f.positionS;
    } else {
      for (const l of this.spectrumListeners) l(f.magnitudeDb, f.mask);
    }
  }

  private onText(m: ServerMessage): void {
    switch (m.type) {
      case 'snapshot':
        this.link = 'open';
        this.state = m.state;
        this.status = m.status;
        this.presets = m.presets;
        this.models = m.models;
        this.midi = m.midi ?? null;
        if (m.midi?.lastEvent && this.midiEvents.length === 0) this.midiEvents = [m.midi.lastEvent];
        this.request('offline.list');
        if (this.waveform?.input !== m.state.devices?.input) this.waveform = null;
        if (m.state.transport.available && !this.waveform) this.request('waveform.get');
        break;
      case 'delta':
        if (this.state) {
          const s = $state.snapshot(this.state) as unknown as Record<string, unknown>;
          for (const [k, v] of Object.entries(m.changes)) setPath(s, k, v);
          this.state = s as unknown as EngineState;
          // Another file (or a device): the overview is the new input's. A restart on the same
          // file (model, latency) keeps it.
          if ('devices.input' in m.changes) this.waveform = null;
          if (('devices.input' in m.changes || 'transport.available' in m.changes) && this.state.transport.available && !this.waveform) this.request('waveform.get');
        }
        break;
      case 'waveform': {
        // A late reply for an input since replaced is dropped (the new input asked again).
        if (m.input !== this.state?.devices?.input) break;
        const peaks = decodeWaveform(m);
        this.waveform = peaks && m.bins > 0 ? { input: m.input, durationS: m.durationS, binS: m.binS, ...peaks } : null;
        break;
      }
      case 'status':
        this.status = m.status;
        break;
      case 'presets':
        this.presets = m.presets;
        break;
      case 'models':
        this.models = m.models;
        break;
      case 'devices':
        this.devices = m.devices;
        this.devicesError = m.error;
        break;
      case 'offline':
        this.jobs = m.jobs;
        break;
      case 'midi':
        this.midi = m.midi;
        break;
      case 'midi.events':
        this.midiEvents = [...m.events.slice().reverse(), ...this.midiEvents].slice(0, 40);
        break;
      case 'midi.learned':
        if (this.learn.phase === 'waiting' && this.learn.id === m.id) this.learn = { phase: 'learned', mapping: m.mapping };
        break;
      case 'error':
        // A learn that timed out or was replaced is shown on the MIDI page, not as a toast.
        if (this.learn.phase === 'waiting' && this.learn.id === m.id) this.learn = { phase: 'failed', message: m.message };
        else this.toast('error', m.message);
        break;
      case 'hello':
      case 'ack':
      case 'pong':
        break;
    }
  }
}

export const conn = new Connection('./ws');
