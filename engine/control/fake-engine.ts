/** A LiveEngineLike without audio, for the controller and server tests. */
import type { LiveReport } from '../live/index.js';
import { METER_COUNT, dbToGain, type MixerState } from '../mixer/index.js';
import type { EngineSettings, LiveEngineLike } from './engine-controller.js';

export class FakeEngine implements LiveEngineLike {
  readonly meters = new Float32Array(METER_COUNT);
  readonly spectrum = null;
  mixerCalls: MixerState[] = [];
  stopped = false;
  private t = { playing: true, positionS: 1, durationS: 30, loop: { on: false, startS: 0, endS: 0 } };

  constructor(readonly settings: EngineSettings) {}

  /** Meters follow the mixer like the real one would for a full-scale input of 0.5 per stem. */
  setMixer(m: MixerState): void {
    this.mixerCalls.push(structuredClone(m));
    const solo = m.stems.instrument.solo || m.stems.rest.solo;
    const level = (s: 'instrument' | 'rest') => {
      const st = m.stems[s];
      return st.mute || (solo && !st.solo) ? 0 : 0.5 * dbToGain(st.gainDb);
    };
    this.meters.fill(level('instrument'), 0, 4);
    this.meters.fill(level('rest'), 4, 8);
    this.meters.fill((level('instrument') + level('rest')) * dbToGain(m.masterGainDb), 8, 12);
  }

  report(): LiveReport {
    // Cast: the controller reads only the fields below; LiveReport grows with the engine.
    return {
      latency_ms: this.settings.latencyMs, separator_latency_ms: 0, structural_latency_ms: 0, window_floor_ms: 0, deadline_misses: 0, xruns: 0,
      inference_rtf: 0.3, inference_ms_mean: 5, inference_ms_max: 9, cpu_percent: 12, cores: 2, duration_s: 1, hop_interval: 2, lookahead: 1,
      sample_rate: 48000, buffer_frames: 256, model: this.settings.model, input: 'demo', output: 'null', underflow_frames: 0, device_state: 'running', hop_interval_choice: 'auto', lookahead_choice: 'auto',
    } as LiveReport;
  }

  transport() {
    return structuredClone(this.t);
  }
  play(on: boolean): void {
    this.t.playing = on;
  }
  seek(s: number): void {
    this.t.positionS = s;
  }
  setLoop(on: boolean, startS = 0, endS = 0): void {
    this.t.loop = { on, startS, endS };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
