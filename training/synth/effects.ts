/**
 * Per-stem processing, all in place on planar Float32Array channels: RBJ biquads, amp drive with
 * pre/post EQ and a cabinet-like band-pass, a feed-forward compressor, chorus/detune, constant-power
 * pan, and a Freeverb-style room used as a send bus. Everything except `drive` and `compress` is
 * linear, and the reverb runs once per stem group so instrument + rest stays exact.
 */

/** Below this, filter and reverb states are set to zero (−400 dB: inaudible, and no subnormals). */
const FLUSH = 1e-20;

export type BiquadKind = 'lowpass' | 'highpass' | 'peaking' | 'lowshelf' | 'highshelf' | 'bandpass';

export interface BiquadSpec {
  kind: BiquadKind;
  freqHz: number;
  q: number;
  gainDb?: number;
}

/** Filters `x` in place with one RBJ-cookbook biquad (direct form I, state starts at zero). */
export function biquad(x: Float32Array, sampleRate: number, spec: BiquadSpec): void {
  const f = Math.min(spec.freqHz, sampleRate * 0.45);
  const w0 = (2 * Math.PI * f) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * spec.q);
  const A = Math.pow(10, (spec.gainDb ?? 0) / 40);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (spec.kind) {
    case 'lowpass':
      b0 = (1 - cos) / 2; b1 = 1 - cos; b2 = b0; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'highpass':
      b0 = (1 + cos) / 2; b1 = -(1 + cos); b2 = b0; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'bandpass':
      b0 = alpha; b1 = 0; b2 = -alpha; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'peaking':
      b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A; a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
      break;
    case 'lowshelf': {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + s); b1 = 2 * A * (A - 1 - (A + 1) * cos); b2 = A * (A + 1 - (A - 1) * cos - s);
      a0 = A + 1 + (A - 1) * cos + s; a1 = -2 * (A - 1 + (A + 1) * cos); a2 = A + 1 + (A - 1) * cos - s;
      break;
    }
    case 'highshelf': {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + s); b1 = -2 * A * (A - 1 + (A + 1) * cos); b2 = A * (A + 1 + (A - 1) * cos - s);
      a0 = A + 1 - (A - 1) * cos + s; a1 = 2 * (A - 1 - (A + 1) * cos); a2 = A + 1 - (A - 1) * cos - s;
      break;
    }
  }
  b0 /= a0; b1 /= a0; b2 /= a0; a1 /= a0; a2 /= a0;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    let y = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    // Flush decaying tails before they become float32 subnormals (10–50× slower on x86).
    if (y < FLUSH && y > -FLUSH) y = 0;
    x2 = x1; x1 = xi; y2 = y1; y1 = y;
    x[i] = y;
  }
}

export interface DriveSpec {
  /** Input gain before the shaper, dB (0–40: crunch to heavy distortion). */
  driveDb: number;
  /** Asymmetry 0–0.3 adds even harmonics like a tube stage. */
  bias: number;
  /** Cabinet: high-pass and low-pass corner frequencies. */
  cabLowHz: number;
  cabHighHz: number;
  /** Mid scoop/boost of the amp's tone stack, dB at ~700 Hz. */
  midDb: number;
}

/** Amp model on a mono signal: pre-EQ tightening, tanh waveshaper, tone stack, cabinet filtering. */
export function drive(x: Float32Array, sampleRate: number, spec: DriveSpec): void {
  biquad(x, sampleRate, { kind: 'highpass', freqHz: 120, q: 0.7 });
  biquad(x, sampleRate, { kind: 'peaking', freqHz: 900, q: 0.8, gainDb: 6 });
  const g = Math.pow(10, spec.driveDb / 20);
  const norm = 1 / Math.tanh(g * 0.5 + spec.bias);
  const dc = Math.tanh(spec.bias);
  for (let i = 0; i < x.length; i++) x[i] = (Math.tanh(g * x[i] + spec.bias) - dc) * norm * 0.5;
  biquad(x, sampleRate, { kind: 'peaking', freqHz: 700, q: 0.7, gainDb: spec.midDb });
  biquad(x, sampleRate, { kind: 'highpass', freqHz: spec.cabLowHz, q: 0.7 });
  biquad(x, sampleRate, { kind: 'lowpass', freqHz: spec.cabHighHz, q: 0.9 });
  biquad(x, sampleRate, { kind: 'lowpass', freqHz: spec.cabHighHz * 1.2, q: 0.7 });
}

export interface CompressorSpec {
  thresholdDb: number;
  ratio: number;
  attackMs: number;
  releaseMs: number;
}

/** Feed-forward peak compressor with one gain envelope shared by both channels (planar stereo). */
export function compress(channels: Float32Array[], sampleRate: number, spec: CompressorSpec): void {
  const l = channels[0];
  const r = channels[channels.length - 1];
  const n = l.length;
  const aA = Math.exp(-1 / ((spec.attackMs / 1000) * sampleRate));
  const aR = Math.exp(-1 / ((spec.releaseMs / 1000) * sampleRate));
  const thr = Math.pow(10, spec.thresholdDb / 20);
  const slope = 1 - 1 / spec.ratio;
  // The gain is computed every CONTROL samples and interpolated: Math.pow per sample is the cost.
  const CONTROL = 16;
  let env = 0;
  let gainNow = 1;
  for (let start = 0; start < n; start += CONTROL) {
    const end = Math.min(n, start + CONTROL);
    for (let i = start; i < end; i++) {
      const peak = Math.max(Math.abs(l[i]), Math.abs(r[i]));
      env = peak > env ? aA * env + (1 - aA) * peak : aR * env + (1 - aR) * peak;
    }
    const target = env > thr ? Math.pow(thr / env, slope) : 1;
    const step = (target - gainNow) / (end - start);
    for (let i = start; i < end; i++) {
      gainNow += step;
      l[i] *= gainNow;
      if (r !== l) r[i] *= gainNow;
    }
  }
}

export interface ChorusSpec {
  rateHz: number;
  depthMs: number;
  delayMs: number;
  mix: number;
}

/** Stereo chorus/detune: two modulated delay taps in quadrature, mixed into L and R. */
export function chorus(left: Float32Array, right: Float32Array, sampleRate: number, spec: ChorusSpec): void {
  const n = left.length;
  const maxDelay = Math.ceil(((spec.delayMs + spec.depthMs) / 1000) * sampleRate) + 2;
  const mono = new Float32Array(n);
  for (let i = 0; i < n; i++) mono[i] = 0.5 * (left[i] + right[i]);
  const base = (spec.delayMs / 1000) * sampleRate;
  const depth = (spec.depthMs / 1000) * sampleRate;
  const w = (2 * Math.PI * spec.rateHz) / sampleRate;
  for (let i = maxDelay; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      const d = base + depth * Math.sin(w * i + c * Math.PI * 0.5);
      const pos = i - d;
      const k = Math.floor(pos);
      const frac = pos - k;
      const v = mono[k] * (1 - frac) + mono[k + 1] * frac;
      if (c === 0) left[i] += spec.mix * v;
      else right[i] += spec.mix * v;
    }
  }
}

/** Constant-power pan of a stereo stem (balance); `pan` −1 (left) … +1 (right), linear. */
export function pan(left: Float32Array, right: Float32Array, panPos: number): void {
  const a = ((panPos + 1) * Math.PI) / 4;
  const gl = Math.cos(a) * Math.SQRT2;
  const gr = Math.sin(a) * Math.SQRT2;
  for (let i = 0; i < left.length; i++) { left[i] *= gl; right[i] *= gr; }
}

export function gain(channels: Float32Array[], gainLinear: number): void {
  for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i] *= gainLinear;
}

export interface ReverbSpec {
  /** 0–1: comb feedback (room size). */
  roomSize: number;
  /** 0–1: high-frequency damping in the combs. */
  damping: number;
  /** Stereo spread of the right channel's delays, samples at 44.1 kHz. */
  spread: number;
  preDelayMs: number;
}

const COMBS = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
const ALLPASSES = [556, 441, 341, 225];

/**
 * Freeverb-style reverb of a stereo send bus, returned as a new wet stereo pair (planar, same length).
 * Linear in its input, so reverb(a + b) = reverb(a) + reverb(b) up to float rounding.
 */
export function reverb(left: Float32Array, right: Float32Array, sampleRate: number, spec: ReverbSpec): [Float32Array, Float32Array] {
  const n = left.length;
  const scale = sampleRate / 44100;
  const pre = Math.round((spec.preDelayMs / 1000) * sampleRate);
  const feedback = 0.7 + 0.28 * spec.roomSize;
  const damp = spec.damping * 0.4;
  const out: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  const input = new Float32Array(n);
  for (let i = pre; i < n; i++) input[i] = 0.015 * (left[i - pre] + right[i - pre]);
  for (let c = 0; c < 2; c++) {
    const o = out[c];
    const extra = c === 0 ? 0 : spec.spread;
    for (const len0 of COMBS) {
      const len = Math.max(1, Math.round((len0 + extra) * scale));
      const buf = new Float32Array(len);
      let idx = 0;
      let store = 0;
      for (let i = 0; i < n; i++) {
        const y = buf[idx];
        store = y * (1 - damp) + store * damp;
        if (store < FLUSH && store > -FLUSH) store = 0;
        buf[idx] = input[i] + store * feedback;
        o[i] += y;
        if (++idx >= len) idx = 0;
      }
    }
    for (const len0 of ALLPASSES) {
      const len = Math.max(1, Math.round((len0 + extra) * scale));
      const buf = new Float32Array(len);
      let idx = 0;
      for (let i = 0; i < n; i++) {
        const b = buf[idx];
        const x = o[i];
        o[i] = b - x;
        const v = x + b * 0.5;
        buf[idx] = v < FLUSH && v > -FLUSH ? 0 : v;
        if (++idx >= len) idx = 0;
      }
    }
  }
  return out;
}
