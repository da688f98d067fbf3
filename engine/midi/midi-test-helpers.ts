/**
 * Test helpers (not a test file): an engine state to map against and an in-memory ControlTarget
 * that records what it was asked to do.
 */
import type { ControlAction, ControlTarget, EngineState } from '../control/control-target.js';
import { StemstreamError } from '../errors.js';
import { defaultMixerState } from '../mixer/index.js';
import { predictState } from './state-view.js';

export function testState(): EngineState {
  return {
    mixer: defaultMixerState(),
    model: 'guitar',
    instrument: 'guitar',
    latencyMs: 150,
    preset: null,
    transport: { available: true, playing: true, positionS: 0, durationS: 60, loop: { on: false, startS: 0, endS: 60 } },
  };
}

/** A ControlTarget in memory: applies mixer/transport actions, records every action, refuses `refuse` types. */
export class RecordingTarget implements ControlTarget {
  current: EngineState = testState();
  readonly applied: ControlAction[] = [];
  refuse = new Set<ControlAction['type']>();
  private listeners = new Set<(s: EngineState) => void>();

  state(): EngineState {
    return structuredClone(this.current);
  }

  async apply(action: ControlAction): Promise<void> {
    if (this.refuse.has(action.type)) throw new StemstreamError('SS_ERR_BAD_MESSAGE', `${action.type} is not available`);
    this.applied.push(action);
    this.current = predictState(this.current, action);
    if (action.type === 'preset.load') this.current = { ...this.current, preset: action.name };
    for (const l of this.listeners) l(this.state());
  }

  subscribe(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A change made elsewhere (the UI): applied and announced like any other. */
  async fromUi(action: ControlAction): Promise<void> {
    await this.apply(action);
  }
}
