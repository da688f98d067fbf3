import { MixerParam, METER_COUNT, dbToGain } from './mixer-params.js';

export interface MixerOptions {
  /** Device sample rate in Hz (ramp and meter time constants are in ms). */
  sampleRate: number;
  /** 2: stereo mix out; 4: instrument L/R on channels 0–1, rest L/R on channels 2–3. */
  outputChannels: 2 | 4;
  /** Length of every gain ramp (gain, mute, solo, master, bypass) in ms. Default 15. */
  rampMs?: number;
  /** Peak meter release time constant in ms. Default 300. */
  peakReleaseMs?: number;
  /** RMS meter averaging time constant in ms. Default 300. */
  rmsWindowMs?: number;
  /**
   * Where meters are written (METER_COUNT floats, layout in mixer-params.ts). Pass a view on a
   * SharedArrayBuffer to let the control thread read them; a private array is made otherwise.
   */
  meters?: Float32Array;
}

// smoother slots
const G_INST = 0;
const G_REST = 1;
const G_MASTER = 2;
const G_WET = 3;
const NB_SMOOTHERS = 4;

/**
 * Per-stem live mixer for 2 stems (instrument, rest), stereo. Audio-thread object:
 * `process` and `setParam` allocate nothing, lock nothing and never throw; every gain
 * change (gain dB, mute, solo, master, bypass) moves along a per-sample linear ramp of
 * `rampMs`, so there are no clicks or zipper noise.
 *
 * Solo: if any strip is soloed only soloed strips play. Bypass crossfades the output to the
 * dry input (in 4-channel mode: dry on channels 0–1, silence on 2–3), master gain still applies.
 * Threads: construct on any thread; call setParam/process on the audio thread only; the control
 * thread only reads `meters`.
 */
export class Mixer {
  readonly sampleRate: number;
  readonly outputChannels: 2 | 4;
  readonly rampFrames: number;
  /** Linear peak/RMS meters, rewritten after each block. */
  readonly meters: Float32Array;

  // desired parameter state, as last set
  private readonly gainDb = new Float64Array([0, 0]);
  private readonly mute = new Uint8Array(2);
  private readonly solo = new Uint8Array(2);
  private masterDb = 0;
  private bypass = 0;

  // linear ramps: value moves by `step` per sample for `remaining` samples, then snaps to target
  private readonly current = new Float64Array(NB_SMOOTHERS);
  private readonly target = new Float64Array(NB_SMOOTHERS);
  private readonly step = new Float64Array(NB_SMOOTHERS);
  private readonly remaining = new Int32Array(NB_SMOOTHERS);

  // meter state per strip (inst, rest, master) × channel
  private readonly peak = new Float64Array(6);
  private readonly meanSquare = new Float64Array(6);
  private readonly peakRelease: number;
  private readonly rmsAlpha: number;

  constructor(options: MixerOptions) {
    const { sampleRate, outputChannels } = options;
    if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
    if (outputChannels !== 2 && outputChannels !== 4) throw new RangeError(`outputChannels must be 2 or 4, got ${String(outputChannels)}`);
    const rampMs = options.rampMs ?? 15;
    if (!(rampMs >= 0)) throw new RangeError(`rampMs must be >= 0, got ${rampMs}`);
    if (options.meters !== undefined && options.meters.length < METER_COUNT) throw new RangeError(`meters needs ${METER_COUNT} floats`);
    this.sampleRate = sampleRate;
    this.outputChannels = outputChannels;
    this.rampFrames = Math.max(1, Math.round((rampMs * sampleRate) / 1000));
    this.meters = options.meters ?? new Float32Array(METER_COUNT);
    this.peakRelease = Math.exp(-1000 / ((options.peakReleaseMs ?? 300) * sampleRate));
    this.rmsAlpha = 1 - Math.exp(-1000 / ((options.rmsWindowMs ?? 300) * sampleRate));
    // start at the resting state (unity, not bypassed) without a ramp
    this.current.set([1, 1, 1, 1]);
    this.target.set([1, 1, 1, 1]);
  }

  /**
   * Audio thread. Apply one parameter change (ids in MixerParam); unknown ids and NaN values
   * are ignored (real-time code counts nothing here and never throws). Booleans: value >= 0.5.
   */
  setParam(id: number, value: number): void {
    if (Number.isNaN(value)) return;
    const on = value >= 0.5 ? 1 : 0;
    switch (id) {
      case MixerParam.INSTRUMENT_GAIN_DB: this.gainDb[0] = value; break;
      case MixerParam.INSTRUMENT_MUTE: this.mute[0] = on; break;
      case MixerParam.INSTRUMENT_SOLO: this.solo[0] = on; break;
      case MixerParam.REST_GAIN_DB: this.gainDb[1] = value; break;
      case MixerParam.REST_MUTE: this.mute[1] = on; break;
      case MixerParam.REST_SOLO: this.solo[1] = on; break;
      case MixerParam.MASTER_GAIN_DB: this.masterDb = value; break;
      case MixerParam.BYPASS: this.bypass = on; break;
      default: return;
    }
    this.retarget();
  }

  /** Recompute every ramp target from the parameter state; ramps restart only where the target moved. */
  private retarget(): void {
    const anySolo = this.solo[0] | this.solo[1];
    for (let s = 0; s < 2; s++) {
      const audible = this.mute[s] === 0 && (anySolo === 0 || this.solo[s] === 1);
      this.setTarget(s === 0 ? G_INST : G_REST, audible ? dbToGain(this.gainDb[s]) : 0);
    }
    this.setTarget(G_MASTER, dbToGain(this.masterDb));
    this.setTarget(G_WET, this.bypass ? 0 : 1);
  }

  private setTarget(k: number, value: number): void {
    if (this.target[k] === value) return;
    this.target[k] = value;
    this.remaining[k] = this.rampFrames;
    this.step[k] = (value - this.current[k]) / this.rampFrames;
  }

  /** True while any gain is still ramping. */
  isRamping(): boolean {
    return (this.remaining[0] | this.remaining[1] | this.remaining[2] | this.remaining[3]) !== 0;
  }

  /**
   * Audio thread. Mix one block. All buffers are **planar** (one Float32Array per channel) and
   * hold at least `nbFrames` samples: `instrument`, `rest` and `dry` are [L, R]; `out` is [L, R]
   * in 2-channel mode or [instL, instR, restL, restR] in 4-channel mode. `out` may alias
   * nothing else. Allocation-free; updates `meters` at the end of the block.
   */
  process(instrument: readonly Float32Array[], rest: readonly Float32Array[], dry: readonly Float32Array[], out: Float32Array[], nbFrames: number): void {
    const cur = this.current;
    const tgt = this.target;
    const stp = this.step;
    const rem = this.remaining;
    const peak = this.peak;
    const ms = this.meanSquare;
    const release = this.peakRelease;
    const alpha = this.rmsAlpha;
    const four = this.outputChannels === 4;
    const iL = instrument[0], iR = instrument[1];
    const rL = rest[0], rR = rest[1];
    const dL = dry[0], dR = dry[1];
    const oL = out[0], oR = out[1];
    const oL2 = four ? out[2] : out[0];
    const oR2 = four ? out[3] : out[1];

    for (let i = 0; i < nbFrames; i++) {
      // advance the four ramps by one sample
      for (let k = 0; k < NB_SMOOTHERS; k++) {
        if (rem[k] > 0) {
          rem[k]--;
          cur[k] = rem[k] === 0 ? tgt[k] : cur[k] + stp[k];
        }
      }
      const gI = cur[G_INST];
      const gR = cur[G_REST];
      const gM = cur[G_MASTER];
      const wet = cur[G_WET];
      const dryW = 1 - wet;

      const aL = iL[i] * gI, aR = iR[i] * gI;
      const bL = rL[i] * gR, bR = rR[i] * gR;
      let mL: number, mR: number;
      if (four) {
        const xL = gM * (wet * aL + dryW * dL[i]);
        const xR = gM * (wet * aR + dryW * dR[i]);
        const yL = gM * wet * bL;
        const yR = gM * wet * bR;
        oL[i] = xL; oR[i] = xR; oL2[i] = yL; oR2[i] = yR;
        mL = xL + yL; mR = xR + yR;
      } else {
        mL = gM * (wet * (aL + bL) + dryW * dL[i]);
        mR = gM * (wet * (aR + bR) + dryW * dR[i]);
        oL[i] = mL; oR[i] = mR;
      }

      // meters: instant-attack peak with exponential release, exponential mean square
      meter(peak, ms, 0, aL, release, alpha);
      meter(peak, ms, 1, aR, release, alpha);
      meter(peak, ms, 2, bL, release, alpha);
      meter(peak, ms, 3, bR, release, alpha);
      meter(peak, ms, 4, mL, release, alpha);
      meter(peak, ms, 5, mR, release, alpha);
    }

    const m = this.meters;
    for (let strip = 0; strip < 3; strip++) {
      for (let c = 0; c < 2; c++) {
        m[strip * 4 + c] = peak[strip * 2 + c];
        m[strip * 4 + 2 + c] = Math.sqrt(ms[strip * 2 + c]);
      }
    }
  }
}

function meter(peak: Float64Array, ms: Float64Array, k: number, x: number, release: number, alpha: number): void {
  const a = x < 0 ? -x : x;
  const p = peak[k] * release;
  peak[k] = a > p ? a : p;
  ms[k] += alpha * (x * x - ms[k]);
}
