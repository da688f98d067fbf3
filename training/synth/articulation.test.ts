import assert from 'node:assert/strict';
import { test } from 'node:test';
import { articulate, BEND_RANGE_SEMITONES, drawArticulation, pitchWheelValue, type ArticulationSpec } from './articulation.js';
import { composeSong } from './compose.js';
import { planMix } from './mix-plan.js';
import { Rng, forkRng } from './prng.js';
import { loadFamilyBank, renderSpessa } from './render-spessa.js';
import { renderWaveguide } from './render-waveguide.js';
import type { BendPoint, Note, Part, TargetInstrument } from './song.js';

const line = (notes: [number, number, number][], style = 'lead'): Part => ({
  name: 'g', role: 'guitar-clean', style, isDrums: false, isTarget: true, controls: [],
  notes: notes.map(([time, duration, pitch]): Note => ({ time, duration, pitch, velocity: 90 })),
});
const spec = (o: Partial<ArticulationSpec>): ArticulationSpec => ({ slideP: 0, bendP: 0, vibratoP: 0, vibratoHz: 5, vibratoCents: 30, ...o });
/** The bend in force at `t` (the last point at or before it). */
const bendAt = (bends: BendPoint[], t: number) => bends.filter((p) => p.time <= t + 1e-9).at(-1)?.semitones ?? 0;

test('a slide holds the first note, glides to the next pitch and drops the second attack', () => {
  const out = articulate(line([[0, 0.5, 60], [0.5, 0.5, 64], [1.2, 0.3, 55]]), spec({ slideP: 1 }), new Rng(1));
  // 60 slides into 64 (gap 0); 64 → 55 is 0.2 s after 64 ends, so it may slide too: from the
  // picked 60 that is −5, within range.
  assert.equal(out.notes.length, 1);
  assert.equal(out.notes[0].pitch, 60);
  assert.ok(Math.abs(out.notes[0].duration - 1.5) < 1e-9);
  const b = out.bends!;
  assert.equal(bendAt(b, 0.2), 0);
  assert.ok(Math.abs(bendAt(b, 0.5) - 4) < 1e-9, `at the second onset: ${bendAt(b, 0.5)}`);
  assert.ok(Math.abs(bendAt(b, 1.2) + 5) < 1e-9, `at the third onset: ${bendAt(b, 1.2)}`);
  // The glide is monotone between the two pitches.
  const glide = b.filter((p) => p.time > 0.2 && p.time <= 0.5).map((p) => p.semitones);
  assert.ok(glide.length >= 8 && glide.every((v, i) => i === 0 || v >= glide[i - 1]), JSON.stringify(glide));
  for (let i = 1; i < b.length; i++) assert.ok(b[i].time >= b[i - 1].time);
});

test('power chords slide as one unit; a change of shape, a long gap or > an octave re-attacks', () => {
  const chords = line([[0, 0.4, 40], [0, 0.4, 47], [0.4, 0.4, 43], [0.4, 0.4, 50], [0.8, 0.4, 43], [0.8, 0.4, 50], [0.8, 0.4, 55]], 'power');
  const out = articulate(chords, spec({ slideP: 1 }), new Rng(2));
  assert.deepEqual(out.notes.map((n) => [n.pitch, +n.duration.toFixed(6)]), [[40, 0.8], [47, 0.8], [43, 0.4], [50, 0.4], [55, 0.4]]);
  assert.ok(Math.abs(bendAt(out.bends!, 0.4) - 3) < 1e-9);
  assert.equal(bendAt(out.bends!, 0.8), 0, 'the re-attacked chord starts unbent');
  const far = articulate(line([[0, 0.3, 40], [0.3, 0.3, 60], [0.6, 0.3, 62], [1.3, 0.3, 64]]), spec({ slideP: 1 }), new Rng(3));
  assert.deepEqual(far.notes.map((n) => n.pitch), [40, 60, 64], '40→60 is 20 semitones: no slide; 60 slides to 62; 62→64 after a 0.4 s gap: no slide');
  assert.ok(BEND_RANGE_SEMITONES === 12);
});

test('a bend picks the note low and bends up to the written pitch; vibrato swings around it', () => {
  const out = articulate(line([[0, 1.2, 64]]), spec({ bendP: 1, vibratoP: 1, vibratoCents: 40 }), new Rng(4));
  const picked = out.notes[0].pitch;
  assert.ok(picked === 62 || picked === 63, `picked ${picked}`);
  const b = out.bends!;
  assert.equal(bendAt(b, 0.01), 0);
  const late = b.filter((p) => p.time > 0.8).map((p) => p.semitones + picked - 64);
  assert.ok(late.length > 50);
  assert.ok(Math.max(...late) > 0.3 && Math.min(...late) < -0.3 && Math.max(...late.map(Math.abs)) <= 0.4 + 1e-9, `vibrato ${Math.min(...late)}..${Math.max(...late)}`);
});

test('parts that are not one line at a time, and zero probabilities, are left alone', () => {
  const chordsOverlap = line([[0, 1, 60], [0.5, 1, 64]]);
  assert.equal(articulate(chordsOverlap, spec({ slideP: 1, bendP: 1, vibratoP: 1 }), new Rng(5)), chordsOverlap);
  const plain = articulate(line([[0, 0.5, 60], [0.5, 0.5, 62]]), spec({}), new Rng(6));
  assert.deepEqual(plain.notes.map((n) => [n.pitch, n.duration]), [[60, 0.5], [62, 0.5]]);
  assert.ok(plain.bends!.every((p) => p.semitones === 0));
});

test('only training guitar lines voiced by a soundfont get an articulation', () => {
  let drawn = 0;
  for (let i = 0; i < 60; i++) {
    const song = composeSong({ seed: 5, index: i, target: 'guitar' });
    for (const v of planMix(song, 'val', forkRng(5, i, 'mix-val')).voices) assert.equal(v.articulation, undefined);
    planMix(song, 'train', forkRng(5, i, 'mix-train')).voices.forEach((v, k) => {
      if (!v.articulation) return;
      drawn++;
      assert.ok(v.role.startsWith('guitar') && ['lead', 'riff', 'power'].includes(song.parts[k].style), `${v.role} ${song.parts[k].style}`);
      assert.ok(['fluidr3', 'timgm6mb', 'waveguide'].includes(v.preset.family), v.preset.family);
    });
  }
  assert.ok(drawn >= 5, `articulated ${drawn} parts`);
  const piano = line([[0, 1, 60]]);
  assert.equal(drawArticulation(new Rng(1), { ...piano, role: 'piano' }, 'train', 'fluidr3', 'guitar'), undefined);
  assert.equal(drawArticulation(new Rng(1), { ...piano, style: 'strum' }, 'train', 'fluidr3', 'guitar'), undefined);
  assert.deepEqual([pitchWheelValue(0), pitchWheelValue(12), pitchWheelValue(-12), pitchWheelValue(6)], [8192, 16383, 0, 12288]);
});

test('piano songs get no articulation: their guitar lines keep everything else the plan draws', () => {
  const lead = { ...line([[0, 1, 60]]), role: 'guitar-clean' as const, style: 'lead' };
  const drawnFor = (target: TargetInstrument): number =>
    Array.from({ length: 40 }, (_, i) => drawArticulation(new Rng(i), lead, 'train', 'fluidr3', target)).filter(Boolean).length;
  const forGuitar = drawnFor('guitar');
  assert.ok(forGuitar >= 20, `guitar songs: ${forGuitar} of 40`);
  assert.equal(drawnFor('piano'), 0);
  let guitarLines = 0;
  for (let i = 0; i < 80; i++) {
    const song = composeSong({ seed: 7, index: i, target: 'piano' });
    const plan = planMix(song, 'train', forkRng(7, i, 'mix-train'));
    for (const v of plan.voices) assert.equal(v.articulation, undefined, `${v.part} of piano song ${i}`);
    // The articulation draws from its own fork, so presets and effects are what they were.
    const asGuitar = planMix({ ...song, target: 'guitar' }, 'train', forkRng(7, i, 'mix-train'));
    assert.deepEqual(plan.voices.map((v) => [v.preset, v.fx]), asGuitar.voices.map((v) => [v.preset, v.fx]));
    guitarLines += asGuitar.voices.filter((v) => v.articulation).length;
  }
  assert.ok(guitarLines >= 3, `the same plans as guitar songs would articulate ${guitarLines} lines`);
});

/** |DFT| of the Hann-windowed `x[from, from + n)` at frequency `f`. */
function magnitude(x: Float32Array, from: number, n: number, rate: number, f: number): number {
  let re = 0;
  let im = 0;
  for (let k = 0; k < n; k++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / n);
    re += w * x[from + k] * Math.cos((2 * Math.PI * f * k) / rate);
    im -= w * x[from + k] * Math.sin((2 * Math.PI * f * k) / rate);
  }
  return Math.hypot(re, im);
}

/** Frequency of the strongest spectral peak of `x[from, from + n)` (Hann, direct DFT on a grid). */
function peakHz(x: Float32Array, from: number, n: number, rate: number, lo: number, hi: number): number {
  let best = 0;
  let bestF = 0;
  for (let f = lo; f <= hi; f += 1) {
    let re = 0;
    let im = 0;
    for (let k = 0; k < n; k++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / n);
      const ph = (2 * Math.PI * f * k) / rate;
      re += w * x[from + k] * Math.cos(ph);
      im -= w * x[from + k] * Math.sin(ph);
    }
    if (re * re + im * im > best) { best = re * re + im * im; bestF = f; }
  }
  return bestF;
}

test('render-spessa plays the bends: a note slid up a fifth sounds a fifth higher', async () => {
  const rate = 22050;
  const part: Part = { ...line([[0, 1.5, 57]]), bends: [{ time: 0, semitones: 0 }, { time: 0.75, semitones: 7 }] };
  const [[left]] = await renderSpessa(loadFamilyBank('timgm6mb'), [{ part, preset: { family: 'timgm6mb', bank: 0, program: 24 } }], rate, Math.round(1.6 * rate));
  const n = 4096;
  const before = peakHz(left, Math.round(0.3 * rate), n, rate, 150, 500);
  const after = peakHz(left, Math.round(1.0 * rate), n, rate, 150, 500);
  // A3 = 220 Hz; a fifth up (7 semitones at a 12-semitone range) = 329.6 Hz.
  assert.ok(Math.abs(before - 220) <= 6, `before the bend: ${before} Hz`);
  assert.ok(Math.abs(after - 329.6) <= 8, `after the bend: ${after} Hz`);
});

test('render-waveguide plays the bends too: the string glides a fifth up and keeps ringing', () => {
  const rate = 22050;
  const part: Part = { ...line([[0, 1.5, 57]]), bends: [{ time: 0, semitones: 0 }, { time: 0.75, semitones: 7 }] };
  const [bent] = renderWaveguide(part, 3, rate, Math.round(1.6 * rate), 1);
  const [plain] = renderWaveguide({ ...part, bends: undefined }, 3, rate, Math.round(1.6 * rate), 1);
  const n = 4096;
  const at = (x: Float32Array, t: number, f: number) => magnitude(x, Math.round(t * rate), n, rate, f);
  // Before the bend: A3 (220 Hz), not E4 (329.6 Hz); after it: the other way round.
  assert.ok(at(bent, 0.3, 220) > 10 * at(bent, 0.3, 329.6), 'A3 before the bend');
  assert.ok(at(bent, 1.0, 329.6) > 10 * at(bent, 1.0, 220), 'a fifth up after the bend');
  assert.ok(at(plain, 1.0, 220) > 10 * at(plain, 1.0, 329.6), 'unbent: still A3');
  const rms = (x: Float32Array, a: number, b: number) => Math.sqrt(x.subarray(a, b).reduce((sum, v) => sum + v * v, 0) / (b - a));
  assert.ok(rms(bent, Math.round(1.0 * rate), Math.round(1.2 * rate)) > 0.1 * rms(bent, Math.round(0.3 * rate), Math.round(0.5 * rate)), 'the string keeps sounding after the glide');
});
