import type { ControlAction, EngineState } from '../control/control-target.js';
import { MAX_GAIN_DB } from '../mixer/index.js';
import { DEFAULT_GAIN_CURVE, ccToDb, ccToRange, dbToCc, rangeToCc, type GainCurve } from './gain-curve.js';
import { parseMidiMapping, type MidiAction, type MidiMapping, type MidiMappingInput } from './mapping-schema.js';
import { encodeMidiEvent, type MidiEvent } from './messages.js';

/**
 * The mapping engine: MIDI events in, ControlActions out. Pure apart from its own memory
 * (soft-takeover positions, learn mode, last LED values); no I/O, no timers, so every rule is
 * unit-tested without a device.
 *
 * Switch rules: a press is CC ≥ 64, note-on (velocity > 0) or a program change; a release is
 * CC < 64 or note-off. 'toggle' flips on each press and ignores releases; 'momentary' is on while
 * held and off at release, so it also follows a latching switch that keeps the state itself
 * (sends 127 at one press, 0 at the next).
 */

/** One feedback message for a controller LED or motor fader: raw bytes and the output port. */
export interface FeedbackMessage {
  /** Output port name (or part of it) from the mapping; undefined: the config's first output. */
  output: string | undefined;
  /** Raw MIDI bytes, status first. */
  bytes: number[];
}

/** What handle() did with one event. */
export interface MapperResult {
  /** Actions to apply, in order; toggles already resolved to absolute values against the state. */
  actions: ControlAction[];
  /** Set when learn mode was armed and this event created a mapping (it fires no action). */
  learned: MidiMapping | null;
}

/** What learn mode binds the next message to: an action and, optionally, mode/takeover/feedback. */
export type LearnRequest = Omit<MidiMappingInput, 'trigger'>;

interface TakeoverState {
  /** The fader has met the engine's value and now drives it. */
  caught: boolean;
  /** Last CC value received (even while not caught). */
  lastCc: number | undefined;
  /** Last value this mapping sent (dB or ms), to notice changes made elsewhere. */
  lastSent: number | undefined;
}

/** CC distance at which a fader counts as "at" the current value without crossing it. */
const TAKEOVER_WINDOW = 1.5;
const NO_ACTIONS: MapperResult = Object.freeze({ actions: [], learned: null }) as MapperResult;

export class MidiMapper {
  private list: MidiMapping[] = [];
  private takeover: TakeoverState[] = [];
  /** Last feedback value sent per mapping index (LED/fader), to send only changes. */
  private lastFeedback = new Map<number, number>();
  private pendingLearn: LearnRequest | null = null;

  constructor(mappings: readonly MidiMapping[] = []) {
    this.setMappings(mappings);
  }

  get mappings(): readonly MidiMapping[] {
    return this.list;
  }

  /** Replace every mapping (preset change); takeover and feedback memory start over. */
  setMappings(mappings: readonly MidiMapping[]): void {
    this.list = [...mappings];
    this.takeover = this.list.map(() => ({ caught: false, lastCc: undefined, lastSent: undefined }));
    this.lastFeedback.clear();
  }

  /** Arm learn mode: the next cc, note-on or program change becomes the trigger of `request`. */
  beginLearn(request: LearnRequest): void {
    this.pendingLearn = request;
  }

  cancelLearn(): void {
    this.pendingLearn = null;
  }

  get learning(): boolean {
    return this.pendingLearn !== null;
  }

  /**
   * One incoming event → actions. `state` is the engine state the actions apply to (toggles and
   * soft takeover read it); `port` the input port name (mappings with `input` filter on it).
   * A learned mapping replaces any earlier mapping with the same trigger and input.
   */
  handle(event: MidiEvent, state: EngineState, port?: string): MapperResult {
    if (this.pendingLearn !== null) {
      if (event.kind === 'noteoff' || (event.kind === 'cc' && isSwitchType(this.pendingLearn.action.type) && event.value < 64)) return NO_ACTIONS;
      const learned = mappingFromEvent(event, this.pendingLearn);
      this.pendingLearn = null;
      const same = this.list.findIndex((m) => sameTrigger(m, learned));
      const next = same >= 0 ? this.list.map((m, i) => (i === same ? learned : m)) : [...this.list, learned];
      this.setMappings(next);
      return { actions: [], learned };
    }
    let actions: ControlAction[] | null = null;
    for (let i = 0; i < this.list.length; i++) {
      const m = this.list[i];
      if (!matches(m, event, port)) continue;
      const a = this.actionFor(i, m, event, state);
      if (a !== null) (actions ??= []).push(a);
    }
    return actions === null ? NO_ACTIONS : { actions, learned: null };
  }

  private actionFor(index: number, m: MidiMapping, event: MidiEvent, state: EngineState): ControlAction | null {
    const a = m.action;
    const press = isPress(event);
    const value = eventValue(event);
    switch (a.type) {
      case 'stem.mute':
      case 'stem.solo':
      case 'bypass':
      case 'transport.play':
      case 'transport.loop': {
        const next = switchState(m.mode, press, currentSwitch(a, state));
        if (next === null) return null;
        if (a.type === 'stem.mute') return { type: 'stem.mute', stem: a.stem, mute: next };
        if (a.type === 'stem.solo') return { type: 'stem.solo', stem: a.stem, solo: next };
        if (a.type === 'bypass') return { type: 'bypass', on: next };
        if (a.type === 'transport.play') return { type: 'transport.play', playing: next };
        return { type: 'transport.loop', on: next };
      }
      case 'stem.gain':
      case 'master.gain': {
        if (event.kind !== 'cc') return null;
        const curve = curveOf(a);
        const current = a.type === 'stem.gain' ? state.mixer.stems[a.stem].gainDb : state.mixer.masterGainDb;
        if (!this.takeOver(index, m.takeover, event.value, current, dbToCc(current, curve))) return null;
        const gainDb = ccToDb(event.value, curve);
        this.takeover[index].lastSent = gainDb;
        return a.type === 'stem.gain' ? { type: 'stem.gain', stem: a.stem, gainDb } : { type: 'master.gain', gainDb };
      }
      case 'latency.set': {
        if (a.rangeMs !== undefined) {
          if (event.kind !== 'cc') return null;
          const [lo, hi] = a.rangeMs;
          if (!this.takeOver(index, m.takeover, event.value, state.latencyMs, rangeToCc(state.latencyMs, lo, hi))) return null;
          const latencyMs = Math.round(ccToRange(event.value, lo, hi));
          this.takeover[index].lastSent = latencyMs;
          return { type: 'latency.set', latencyMs };
        }
        return press && a.latencyMs !== undefined ? { type: 'latency.set', latencyMs: a.latencyMs } : null;
      }
      case 'preset.step':
        return press ? { type: 'preset.step', delta: a.delta } : null;
      case 'preset.load':
        return press ? { type: 'preset.load', name: a.name } : null;
      case 'preset.select': {
        // program change: its number; a CC: its value; a note: its number
        const n = event.kind === 'program' ? event.program : event.kind === 'noteon' ? event.note : event.kind === 'cc' ? value : -1;
        const name = n >= 0 && n < a.names.length ? a.names[n] : undefined;
        return name === undefined ? null : { type: 'preset.load', name };
      }
      case 'model.select':
        return press ? { type: 'model.select', name: a.name } : null;
    }
  }

  /**
   * Soft takeover: a fader is ignored until it reaches the engine's current value (within
   * TAKEOVER_WINDOW) or crosses it between two messages; it then drives the value until the
   * value changes from elsewhere (UI, preset), which releases it again. 'jump' always follows.
   */
  private takeOver(index: number, mode: 'soft' | 'jump', cc: number, current: number, currentCc: number): boolean {
    const st = this.takeover[index];
    const prev = st.lastCc;
    st.lastCc = cc;
    if (mode === 'jump') return true;
    if (st.lastSent !== undefined && Math.abs(current - st.lastSent) > 1e-6) st.caught = false;
    if (!st.caught) {
      const near = Math.abs(cc - currentCc) <= TAKEOVER_WINDOW;
      const crossed = prev !== undefined && (prev - currentCc) * (cc - currentCc) <= 0;
      if (!near && !crossed) return false;
      st.caught = true;
    }
    return true;
  }

  /**
   * Feedback for every mapping that asks for it, whose value differs from what was last sent:
   * switch LEDs (on/off values) and fader positions (CC value of the current gain). Call after
   * each state change; call resetFeedback() first to resend everything (an output reconnected).
   */
  feedback(state: EngineState): FeedbackMessage[] {
    const out: FeedbackMessage[] = [];
    for (let i = 0; i < this.list.length; i++) {
      const m = this.list[i];
      if (m.feedback === undefined) continue;
      const fb = m.feedback === true ? { on: 127, off: 0, output: undefined, type: undefined, channel: undefined, number: undefined } : m.feedback;
      const a = m.action;
      let value: number;
      if (isSwitchAction(a)) value = currentSwitch(a, state) ? fb.on : fb.off;
      else if (a.type === 'stem.gain') value = Math.round(dbToCc(state.mixer.stems[a.stem].gainDb, curveOf(a)));
      else if (a.type === 'master.gain') value = Math.round(dbToCc(state.mixer.masterGainDb, curveOf(a)));
      else continue;
      if (this.lastFeedback.get(i) === value) continue;
      const t = m.trigger;
      const type = fb.type ?? (t.type === 'note' ? 'note' : 'cc');
      const channel = fb.channel ?? (t.channel === 'any' ? 1 : t.channel);
      const number = fb.number ?? (t.type === 'cc' ? t.controller : t.type === 'note' ? t.note : undefined);
      if (number === undefined) continue; // a program trigger without an explicit address
      this.lastFeedback.set(i, value);
      const bytes = type === 'cc' ? encodeMidiEvent({ kind: 'cc', channel, controller: number, value }) : encodeMidiEvent({ kind: 'noteon', channel, note: number, velocity: value });
      out.push({ output: fb.output, bytes });
    }
    return out;
  }

  /** Forget what feedback was sent, so the next feedback() call sends every LED. */
  resetFeedback(): void {
    this.lastFeedback.clear();
  }
}

/** Whether an action is an on/off switch (toggle / momentary apply). */
export function isSwitchAction(a: MidiAction): a is Extract<MidiAction, { type: 'stem.mute' | 'stem.solo' | 'bypass' | 'transport.play' | 'transport.loop' }> {
  return isSwitchType(a.type);
}

function isSwitchType(type: string): boolean {
  return type === 'stem.mute' || type === 'stem.solo' || type === 'bypass' || type === 'transport.play' || type === 'transport.loop';
}

/**
 * A mapping whose trigger is `event` (channel-exact) and whose action etc. come from `request`:
 * what learn mode creates, and what `stemstream midi learn` prints. Validated like a preset.
 */
export function mappingFromEvent(event: MidiEvent, request: LearnRequest): MidiMapping {
  const trigger =
    event.kind === 'cc'
      ? { type: 'cc' as const, channel: event.channel, controller: event.controller }
      : event.kind === 'program'
        ? request.action.type === 'preset.select'
          ? { type: 'program' as const, channel: event.channel }
          : { type: 'program' as const, channel: event.channel, program: event.program }
        : { type: 'note' as const, channel: event.channel, note: event.note };
  return parseMidiMapping({ ...request, trigger }, 'learned mapping');
}

function sameTrigger(a: MidiMapping, b: MidiMapping): boolean {
  return JSON.stringify(a.trigger) === JSON.stringify(b.trigger) && a.input === b.input;
}

function matches(m: MidiMapping, e: MidiEvent, port: string | undefined): boolean {
  const t = m.trigger;
  if (t.channel !== 'any' && t.channel !== e.channel) return false;
  if (m.input !== undefined && (port === undefined || !port.toLowerCase().includes(m.input.toLowerCase()))) return false;
  switch (t.type) {
    case 'cc':
      return e.kind === 'cc' && e.controller === t.controller;
    case 'note':
      return (e.kind === 'noteon' || e.kind === 'noteoff') && e.note === t.note;
    case 'program':
      return e.kind === 'program' && (t.program === undefined || t.program === e.program);
  }
}

function isPress(e: MidiEvent): boolean {
  return e.kind === 'noteon' || e.kind === 'program' || (e.kind === 'cc' && e.value >= 64);
}

function eventValue(e: MidiEvent): number {
  switch (e.kind) {
    case 'cc':
      return e.value;
    case 'noteon':
    case 'noteoff':
      return e.velocity;
    case 'program':
      return e.program;
  }
}

/** New switch state, or null when the event changes nothing (a release in toggle mode). */
function switchState(mode: MidiMapping['mode'], press: boolean, current: boolean): boolean | null {
  if (mode === 'toggle') return press ? !current : null;
  return press; // momentary: on at press, off at release
}

function currentSwitch(a: MidiAction, s: EngineState): boolean {
  switch (a.type) {
    case 'stem.mute':
      return s.mixer.stems[a.stem].mute;
    case 'stem.solo':
      return s.mixer.stems[a.stem].solo;
    case 'bypass':
      return s.mixer.bypass;
    case 'transport.play':
      return s.transport.playing;
    case 'transport.loop':
      return s.transport.loop.on;
    default:
      return false;
  }
}

function curveOf(a: { curve?: GainCurve }): GainCurve {
  return a.curve === undefined ? DEFAULT_GAIN_CURVE : { maxDb: Math.min(a.curve.maxDb, MAX_GAIN_DB), unityCc: a.curve.unityCc };
}
