/**
 * Processes dry stems by the mix plan and sums them into the two dataset stems. Each stem is
 * processed alone; the room reverb runs once per group on that group's sends; one final linear
 * scale goes to both groups. So instrument + rest is the mix, exactly by construction.
 */
import { biquad, chorus, compress, drive, gain, pan, reverb } from './effects.js';
import type { MixPlan } from './mix-plan.js';

/** Two stereo stems, planar `[left, right]`, the same length. */
export interface StemPair {
  instrument: Float32Array[];
  rest: Float32Array[];
}

const REFERENCE_RMS = 0.1; // −20 dBFS

/** RMS over the samples where a stereo stem is active (above −60 dBFS), so sparse parts are not boosted. */
function activeRms(l: Float32Array, r: Float32Array): number {
  let sum = 0;
  let count = 0;
  const n = l.length;
  for (let i = 0; i < n; i++) {
    const s = 0.5 * (l[i] * l[i] + r[i] * r[i]);
    if (s > 1e-6) { sum += s; count++; }
  }
  return count > 0 ? Math.sqrt(sum / count) : 0;
}

/** One dry stem (stereo, planar) processed in place by its fx; returns it. */
export function processStem(stem: Float32Array[], fx: MixPlan['voices'][number]['fx'], sampleRate: number): Float32Array[] {
  const [l, r] = stem;
  if (fx.drive) {
    const mono = new Float32Array(l.length);
    for (let i = 0; i < l.length; i++) mono[i] = 0.5 * (l[i] + r[i]);
    drive(mono, sampleRate, fx.drive);
    l.set(mono);
    r.set(mono);
  }
  for (const spec of fx.eq) { biquad(l, sampleRate, spec); biquad(r, sampleRate, spec); }
  if (fx.compressor) compress([l, r], sampleRate, fx.compressor);
  if (fx.chorus) chorus(l, r, sampleRate, fx.chorus);
  const rms = activeRms(l, r);
  if (rms > 0) gain([l, r], (REFERENCE_RMS / rms) * Math.pow(10, fx.gainDb / 20));
  pan(l, r, fx.pan);
  return [l, r];
}

/**
 * Mixes dry stems (one stereo pair per voice of `plan`, same order) into instrument and rest.
 * The dry stems are modified in place.
 */
export function mixdown(dry: Float32Array[][], plan: MixPlan, sampleRate: number): StemPair {
  const n = dry[0]?.[0].length ?? 0;
  const groups = { instrument: [new Float32Array(n), new Float32Array(n)], rest: [new Float32Array(n), new Float32Array(n)] };
  const sends = { instrument: [new Float32Array(n), new Float32Array(n)], rest: [new Float32Array(n), new Float32Array(n)] };
  const targetGain = Math.pow(10, plan.targetOffsetDb / 20);
  plan.voices.forEach((voice, k) => {
    const stem = processStem(dry[k], voice.fx, sampleRate);
    const key = voice.isTarget ? 'instrument' : 'rest';
    const g = voice.isTarget ? targetGain : 1;
    for (let c = 0; c < 2; c++) {
      const bus = groups[key][c];
      const send = sends[key][c];
      const s = stem[c];
      for (let i = 0; i < n; i++) {
        bus[i] += g * s[i];
        send[i] += g * voice.fx.reverbSend * s[i];
      }
    }
  });
  for (const key of ['instrument', 'rest'] as const) {
    if (!plan.voices.some((v) => (key === 'instrument') === v.isTarget && v.fx.reverbSend > 0)) continue;
    const [wl, wr] = reverb(sends[key][0], sends[key][1], sampleRate, plan.room);
    for (let i = 0; i < n; i++) { groups[key][0][i] += wl[i]; groups[key][1][i] += wr[i]; }
  }
  // One linear scale for both groups: the mix peak lands on plan.mixPeak.
  let peak = 0;
  for (let c = 0; c < 2; c++) {
    const a = groups.instrument[c];
    const b = groups.rest[c];
    for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(a[i] + b[i]), Math.abs(a[i]), Math.abs(b[i]));
  }
  if (peak > 0) {
    const s = plan.mixPeak / peak;
    gain(groups.instrument, s);
    gain(groups.rest, s);
  }
  return groups;
}
