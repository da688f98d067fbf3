/**
 * The 'tonejs' training family: guitar parts played from three recorded guitars, a steel-string
 * acoustic, a clean electric and a nylon-string classical, one mono file per key (the
 * tonejs-instruments samples, npm packages `tonejs-instrument-guitar-*-mp3`, MIT). The
 * soundfonts hold two recordings of each guitar, and a model trained on them learns those
 * recordings; these are three more. Played by render-sampler.ts with a fast damper (the
 * fretting hand lifting off the string). The held-out guitars are freepats', another sample set.
 */
import { keyName, renderSampled, samplesAvailable, type SampledInstrument } from './render-sampler.js';
import type { Part, Role } from './song.js';

const SEMITONE: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** MIDI key of a tonejs file stem: `A2` → 45, `Cs3` → 49 (`s` for sharp). */
export function tonejsKey(stem: string): number {
  const m = /^([A-G])(s?)(-?\d)$/.exec(stem);
  if (!m) throw new Error(`not a tonejs note name: ${stem}`);
  return 12 * (Number(m[3]) + 1) + SEMITONE[m[1]] + (m[2] ? 1 : 0);
}

/** tonejs's file stem of a MIDI key: the scientific name with `s` for sharp (49 → `Cs3`). */
function tonejsName(key: number): string {
  return keyName(key).replace('#', 's');
}

/** The files each package holds (listed here so that a song's plan never depends on the disk). */
const FILES: Record<string, string> = {
  acoustic: 'A2 A3 A4 As2 As3 As4 B2 B3 B4 C3 C4 C5 Cs3 Cs4 Cs5 D2 D3 D4 D5 Ds2 Ds3 Ds4 E2 E3 E4 F2 F3 F4 Fs2 Fs3 Fs4 G2 G3 G4 Gs2 Gs3 Gs4',
  electric: 'A2 A3 A4 A5 C3 C4 C5 C6 Cs2 Ds3 Ds4 Ds5 E2 Fs2 Fs3 Fs4 Fs5',
  nylon: 'A2 A3 A4 A5 As5 B1 B2 B3 B4 Cs3 Cs4 Cs5 D2 D3 D5 Ds4 E2 E3 E4 E5 Fs2 Fs3 Fs4 Fs5 G3 G5 Gs2 Gs4 Gs5',
};

function guitar(kind: string): SampledInstrument {
  const keys = FILES[kind].split(' ').map(tonejsKey).sort((a, b) => a - b);
  return {
    id: `tonejs-${kind}`,
    layers: [{ pkg: `tonejs-instrument-guitar-${kind}-mp3`, dir: '', keys, file: (key: number) => `${tonejsName(key)}.mp3` }],
    damperTau: () => 0.06,
    undamped: () => false,
    maxSampleSec: 8,
    detune: 0.1,
  };
}

/** Program numbers of the family: 0 acoustic, 1 electric, 2 nylon. */
export const RECORDED_GUITARS: readonly SampledInstrument[] = [guitar('acoustic'), guitar('electric'), guitar('nylon')];

/** Programs that can play a role: the electric plays clean and (through the mix plan's amp) driven parts. */
export function recordedGuitarPrograms(role: Role): number[] {
  if (role === 'guitar-acoustic') return [0, 2];
  if (role === 'guitar-clean' || role === 'guitar-drive') return [1];
  return [];
}

/** True when the three packages are installed (they are devDependencies). */
export function recordedGuitarsAvailable(): boolean {
  return RECORDED_GUITARS.every(samplesAvailable);
}

/** Dry stereo stem `[left, right]` (`nbSamples` long) of guitar `part` on recorded guitar `program`. */
export function renderRecordedGuitar(part: Part, program: number, sampleRate: number, nbSamples: number, seed: number): Promise<Float32Array[]> {
  const inst = RECORDED_GUITARS[program];
  if (!inst) throw new Error(`no recorded guitar ${program}`);
  return renderSampled(inst, part, sampleRate, nbSamples, seed);
}
