import type { WaveformPeaks } from '../audio-file/waveform-peaks.js';
import { StemstreamError, describeError } from '../errors.js';
import type { MidiController } from '../midi/midi-controller.js';
import type { LiveReport } from '../live/index.js';
import { MAX_GAIN_DB, MIN_GAIN_DB, defaultMixerState, type MixerState } from '../mixer/index.js';
import { installedModelNames, readModelPackage, resolveModelDir } from '../model/index.js';
import type { ControlHost, Telemetry } from './control-host.js';
import type { ControlAction, EngineState, Toggle, TransportState } from './control-target.js';
import type { EngineStatus } from './messages.js';
import type { Preset } from './preset-schema.js';
import { PresetStore } from './preset-store.js';

/** The transport a file/demo source offers (LiveEngine's methods; absent for a device input). */
export interface EngineTransport {
  transport(): { playing: boolean; positionS: number; durationS: number; loop: { on: boolean; startS: number; endS: number } } | null;
  play(on: boolean): void;
  seek(seconds: number): void;
  setLoop(on: boolean, startS?: number, endS?: number): void;
}

/** The parts of LiveEngine the controller uses (so tests can run it without audio). */
export interface LiveEngineLike extends Partial<EngineTransport> {
  readonly meters: Float32Array;
  readonly spectrum?: SharedArrayBuffer | null;
  setMixer(state: MixerState): void;
  report(): LiveReport;
  stop(): Promise<void>;
}

/** What a restart may change. */
export interface EngineSettings {
  model: string;
  latencyMs: number;
  inputDevice: number | 'demo' | 'default' | string;
  outputDevice: number | 'null' | 'default';
}

/** Starts an engine for these settings (runLive's closure over the other CLI options). */
export type EngineFactory = (settings: EngineSettings) => Promise<LiveEngineLike>;

export interface EngineControllerOptions {
  presets?: PresetStore;
  /** Initial mixer state (default unity). */
  mixer?: MixerState;
  /** The instrument a model separates (default: its model.json). */
  instrumentOf?: (model: string) => string;
  /** Model names the UI may offer (default: installed models). */
  models?: () => string[];
  /** The overview of an input's file (null for a device); default: none. */
  waveformOf?: (input: EngineSettings['inputDevice']) => Promise<WaveformPeaks | null>;
  log?: (line: string) => void;
}

function resolveToggle(t: Toggle, current: boolean): boolean {
  return t === 'toggle' ? !current : t;
}

function clampGain(db: number): number {
  return Math.min(MAX_GAIN_DB, Math.max(MIN_GAIN_DB, db));
}

function describeDevice(d: EngineSettings['inputDevice'] | EngineSettings['outputDevice']): string {
  return typeof d === 'number' ? `device ${d}` : String(d);
}

function defaultInstrumentOf(model: string): string {
  try {
    return readModelPackage(resolveModelDir(model)).manifest.instrument;
  } catch {
    return 'unknown';
  }
}

/**
 * The real ControlTarget: holds the desired engine state, drives a LiveEngine (mixer reconcile,
 * transport) and restarts it for model, latency or device changes, keeping the mixer state.
 * Actions run one at a time (a queue), so two clients cannot interleave a restart.
 */
export class EngineController implements ControlHost {
  readonly presets: PresetStore;
  /**
   * The MIDI controller targeting this engine (live.ts sets it): loading a preset that carries
   * mappings applies them; saving one stores the mappings in force.
   */
  midi: MidiController | null = null;
  private engine: LiveEngineLike | null = null;
  private settings: EngineSettings;
  private mixer: MixerState;
  private presetName: string | null = null;
  private readonly listeners = new Set<(s: EngineState) => void>();
  private queue: Promise<void> = Promise.resolve();
  private lastError: string | undefined;
  private readonly instrumentOf: (model: string) => string;
  private readonly modelList: () => string[];
  private readonly waveformOf: (input: EngineSettings['inputDevice']) => Promise<WaveformPeaks | null>;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly factory: EngineFactory,
    settings: EngineSettings,
    options: EngineControllerOptions,
  ) {
    this.settings = { ...settings };
    this.mixer = structuredClone(options.mixer ?? defaultMixerState());
    this.presets = options.presets ?? new PresetStore();
    this.instrumentOf = options.instrumentOf ?? defaultInstrumentOf;
    this.modelList = options.models ?? installedModelNames;
    this.waveformOf = options.waveformOf ?? (async () => null);
    this.log = options.log ?? (() => {});
  }

  /** Starts the first engine (errors propagate: nothing to fall back to). */
  static async start(factory: EngineFactory, settings: EngineSettings, options: EngineControllerOptions = {}): Promise<EngineController> {
    const c = new EngineController(factory, settings, options);
    c.engine = await factory(c.settings);
    c.engine.setMixer(c.mixer);
    return c;
  }

  /** The running engine (null while restarting). */
  get live(): LiveEngineLike | null {
    return this.engine;
  }

  state(): EngineState {
    const t = this.engine?.transport?.() ?? null;
    const transport: TransportState = t
      ? { available: true, playing: t.playing, positionS: t.positionS, durationS: t.durationS, loop: { ...t.loop } }
      : { available: false, playing: false, positionS: 0, durationS: 0, loop: { on: false, startS: 0, endS: 0 } };
    return {
      mixer: structuredClone(this.mixer),
      model: this.settings.model,
      instrument: this.instrumentOf(this.settings.model),
      latencyMs: this.settings.latencyMs,
      preset: this.presetName,
      transport,
      devices: { input: describeDevice(this.settings.inputDevice), output: describeDevice(this.settings.outputDevice) },
    };
  }

  subscribe(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queued: resolves when this action (and every earlier one) is done; throws StemstreamError. */
  apply(action: ControlAction): Promise<void> {
    const run = this.queue.then(() => this.applyNow(action));
    this.queue = run.catch(() => {});
    return run;
  }

  status(): EngineStatus {
    const e = this.engine;
    if (!e) {
      return {
        running: false, latencyMs: 0, cpuPercent: 0, deadlineMisses: 0, xruns: 0, inferenceMs: 0, inferenceRtf: 0,
        model: this.settings.model, sampleRate: 0, bufferFrames: 0, deviceState: 'restarting',
        ...(this.lastError ? { message: this.lastError } : {}),
      };
    }
    const r = e.report();
    const finite = (x: number): number => (Number.isFinite(x) ? x : 0);
    return {
      running: true,
      latencyMs: finite(r.latency_ms),
      cpuPercent: finite(r.cpu_percent),
      deadlineMisses: finite(r.deadline_misses),
      xruns: finite(r.xruns),
      inferenceMs: finite(r.inference_ms_mean),
      inferenceRtf: finite(r.inference_rtf),
      model: this.settings.model,
      sampleRate: r.sample_rate,
      bufferFrames: r.buffer_frames,
      deviceState: r.device_state,
      ...(this.lastError ? { message: this.lastError } : {}),
    };
  }

  telemetry(): Telemetry | null {
    const e = this.engine;
    if (!e) return null;
    return { meters: e.meters, positionS: e.transport?.()?.positionS ?? 0, spectrum: e.spectrum ?? null };
  }

  /** The overview of the input now selected (the settings, not the engine: it survives restarts). */
  waveform(): Promise<WaveformPeaks | null> {
    return this.waveformOf(this.settings.inputDevice);
  }

  models(): string[] {
    const names = this.modelList();
    return names.includes(this.settings.model) ? names : [this.settings.model, ...names];
  }

  /** Stops the engine; later actions fail. */
  async stop(): Promise<void> {
    await this.queue;
    const e = this.engine;
    this.engine = null;
    await e?.stop();
  }

  private async applyNow(a: ControlAction): Promise<void> {
    const m = structuredClone(this.mixer);
    switch (a.type) {
      case 'stem.gain':
        m.stems[a.stem].gainDb = clampGain(a.gainDb);
        return this.setMixer(m);
      case 'stem.mute':
        m.stems[a.stem].mute = resolveToggle(a.mute, m.stems[a.stem].mute);
        return this.setMixer(m);
      case 'stem.solo':
        m.stems[a.stem].solo = resolveToggle(a.solo, m.stems[a.stem].solo);
        return this.setMixer(m);
      case 'master.gain':
        m.masterGainDb = clampGain(a.gainDb);
        return this.setMixer(m);
      case 'bypass':
        m.bypass = resolveToggle(a.on, m.bypass);
        return this.setMixer(m);
      case 'preset.load':
        return this.loadPreset(this.presets.load(a.name));
      case 'preset.step': {
        const names = this.presets.list().map((p) => p.name);
        if (names.length === 0) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', 'there are no presets to step through');
        const at = this.presetName === null ? -1 : names.indexOf(this.presetName);
        const next = at < 0 ? (a.delta > 0 ? 0 : names.length - 1) : (at + a.delta + names.length) % names.length;
        return this.loadPreset(this.presets.load(names[next]));
      }
      case 'model.select':
        resolveModelDir(a.name); // unknown names fail here, before anything stops
        return this.restart({ ...this.settings, model: a.name });
      case 'latency.set':
        return this.restart({ ...this.settings, latencyMs: a.latencyMs });
      case 'devices.select':
        return this.restart({
          ...this.settings,
          ...(a.inputDevice === undefined ? {} : { inputDevice: a.inputDevice }),
          ...(a.outputDevice === undefined ? {} : { outputDevice: a.outputDevice }),
        });
      case 'transport.play': {
        const t = this.transport();
        t.play(resolveToggle(a.playing, t.transport()?.playing ?? false));
        return this.notify();
      }
      case 'transport.seek': {
        const t = this.transport();
        const dur = t.transport()?.durationS ?? a.seconds;
        t.seek(Math.min(Math.max(0, a.seconds), dur));
        return this.notify();
      }
      case 'transport.loop': {
        const t = this.transport();
        const cur = t.transport()?.loop ?? { on: false, startS: 0, endS: 0 };
        const startS = a.startS ?? cur.startS;
        const endS = a.endS ?? cur.endS;
        const on = resolveToggle(a.on, cur.on);
        if (on && !(endS > startS)) throw new StemstreamError('SS_ERR_BAD_MESSAGE', `loop end (${endS} s) must be after its start (${startS} s)`);
        t.setLoop(on, startS, endS);
        return this.notify();
      }
    }
  }

  private transport(): EngineTransport {
    const e = this.engine;
    if (!e || !e.transport || !e.play || !e.seek || !e.setLoop || e.transport() === null) {
      throw new StemstreamError('SS_ERR_BAD_MESSAGE', 'this input has no transport (it is a live device, or the engine is restarting)');
    }
    return e as EngineTransport;
  }

  private setMixer(m: MixerState): void {
    this.mixer = m;
    this.engine?.setMixer(m);
    this.notify();
  }

  private async loadPreset(p: Preset): Promise<void> {
    this.presetName = p.name;
    // A preset without mappings keeps the ones in force (the shipped presets have none).
    if (this.midi && p.midi.mappings.length > 0) this.midi.setConfig({ ...this.midi.config(), mappings: p.midi.mappings });
    this.setMixer(structuredClone(p.mixer));
    const next = { ...this.settings, ...(p.latencyMs === undefined ? {} : { latencyMs: p.latencyMs }) };
    let modelError: unknown = null;
    if (p.model !== undefined && p.model !== this.settings.model) {
      try {
        resolveModelDir(p.model);
        next.model = p.model;
      } catch (e) {
        modelError = e;
      }
    }
    if (next.model !== this.settings.model || next.latencyMs !== this.settings.latencyMs) await this.restart(next);
    if (modelError) {
      throw new StemstreamError('SS_ERR_UNKNOWN_MODEL', `preset "${p.name}" loaded, but its model is not installed (kept ${this.settings.model}): ${describeError(modelError)}`);
    }
  }

  /** Stop, start with `next`; on failure start the previous settings again and rethrow. */
  private async restart(next: EngineSettings): Promise<void> {
    const prev = this.settings;
    const old = this.engine;
    this.engine = null;
    this.notify();
    await old?.stop();
    try {
      this.engine = await this.factory(next);
      this.settings = next;
      this.lastError = undefined;
    } catch (e) {
      this.lastError = describeError(e);
      this.log(`stemstream: restart failed (${this.lastError}); going back to the previous settings`);
      this.engine = await this.factory(prev);
      this.engine.setMixer(this.mixer);
      this.notify();
      throw e;
    }
    this.engine.setMixer(this.mixer);
    this.notify();
  }

  private notify(): void {
    const s = this.state();
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (e) {
        this.log(`stemstream: state listener failed: ${describeError(e)}`);
      }
    }
  }
}
