/**
 * The song generator: genre → tempo, meter, key, sections with progressions and energy, parts for
 * drums, bass, the target instrument and a rest full of look-alikes, then humanisation.
 * Pure and seeded: `composeSong({seed, index, target})` always returns the same song.
 */
import { humanise, type Grid, type PatternContext, type PatternOutput, type SectionSpan } from './grid.js';
import { NOTE_NAMES, pickProgression, type Mode } from './music.js';
import { bassPattern, BASS_STYLES, type BassStyle } from './patterns-bass.js';
import { drumPattern, type DrumStyle } from './patterns-drums.js';
import { ensemblePattern, type EnsembleStyle } from './patterns-ensemble.js';
import { guitarPattern, type GuitarStyle } from './patterns-guitar.js';
import { keysPattern, type KeysStyle } from './patterns-piano.js';
import { isTargetRole } from './presets.js';
import { forkRng, type Rng } from './prng.js';
import type { Part, Role, Section, Song, TargetInstrument } from './song.js';

export interface ComposeOptions {
  seed: number;
  index: number;
  target: TargetInstrument;
  /** Song length range in seconds (default 30–90). */
  minSec?: number;
  maxSec?: number;
}

interface Genre {
  name: string;
  tempo: [number, number];
  meters: readonly (readonly [string, number])[];
  modes: readonly Mode[];
  drums: readonly DrumStyle[];
  bass: readonly BassStyle[];
  guitar: readonly GuitarStyle[];
  piano: readonly KeysStyle[];
  swing: number;
  blues: number;
}

const GENRES: readonly Genre[] = [
  { name: 'rock', tempo: [95, 160], meters: [['4/4', 1]], modes: ['major', 'minor', 'mixolydian'], drums: ['rock', 'halftime'], bass: ['eighths', 'roots', 'root-fifth'], guitar: ['power', 'riff', 'muted', 'strum', 'lead'], piano: ['comp', 'ballad', 'arpeggio'], swing: 0, blues: 0.1 },
  { name: 'metal', tempo: [100, 180], meters: [['4/4', 1]], modes: ['minor', 'harmonic-minor'], drums: ['rock', 'halftime'], bass: ['eighths', 'octaves'], guitar: ['power', 'riff', 'muted', 'lead'], piano: ['arpeggio', 'comp'], swing: 0, blues: 0 },
  { name: 'pop', tempo: [85, 130], meters: [['4/4', 1]], modes: ['major', 'minor'], drums: ['pop', 'disco', 'halftime'], bass: ['root-fifth', 'syncopated', 'eighths'], guitar: ['strum', 'arpeggio-clean', 'muted', 'lead'], piano: ['comp', 'arpeggio', 'ballad', 'melody'], swing: 0, blues: 0 },
  { name: 'ballad', tempo: [60, 85], meters: [['4/4', 0.7], ['3/4', 0.15], ['6/8', 0.15]], modes: ['major', 'minor'], drums: ['ballad', 'sparse'], bass: ['roots', 'root-fifth'], guitar: ['fingerpick', 'arpeggio-clean', 'strum', 'lead'], piano: ['ballad', 'arpeggio', 'melody'], swing: 0, blues: 0 },
  { name: 'folk', tempo: [80, 140], meters: [['4/4', 0.6], ['3/4', 0.25], ['6/8', 0.15]], modes: ['major', 'dorian', 'minor'], drums: ['sparse', 'pop'], bass: ['roots', 'root-fifth'], guitar: ['strum', 'fingerpick'], piano: ['comp', 'arpeggio', 'melody'], swing: 0, blues: 0 },
  { name: 'funk', tempo: [90, 120], meters: [['4/4', 1]], modes: ['dorian', 'mixolydian', 'minor'], drums: ['funk', 'disco'], bass: ['syncopated', 'octaves'], guitar: ['muted', 'strum', 'lead', 'riff'], piano: ['comp', 'solo'], swing: 0.1, blues: 0.1 },
  { name: 'blues', tempo: [70, 130], meters: [['4/4', 0.6], ['12/8', 0.4]], modes: ['mixolydian', 'minor'], drums: ['shuffle', 'rock'], bass: ['walking', 'root-fifth'], guitar: ['riff', 'lead', 'strum', 'muted'], piano: ['stride', 'comp', 'solo'], swing: 0.3, blues: 0.8 },
  { name: 'jazz', tempo: [90, 190], meters: [['4/4', 0.85], ['3/4', 0.15]], modes: ['major', 'dorian', 'minor'], drums: ['shuffle', 'sparse'], bass: ['walking'], guitar: ['arpeggio-clean', 'strum', 'lead'], piano: ['comp', 'stride', 'solo', 'melody'], swing: 0.3, blues: 0.2 },
  { name: 'waltz', tempo: [90, 170], meters: [['3/4', 1]], modes: ['major', 'minor'], drums: ['waltz', 'sparse'], bass: ['roots', 'root-fifth'], guitar: ['strum', 'fingerpick', 'arpeggio-clean'], piano: ['comp', 'arpeggio', 'ballad', 'melody'], swing: 0, blues: 0 },
  { name: 'country', tempo: [100, 160], meters: [['4/4', 1]], modes: ['major', 'mixolydian'], drums: ['pop', 'rock'], bass: ['root-fifth'], guitar: ['strum', 'fingerpick', 'lead', 'muted'], piano: ['comp', 'stride', 'melody'], swing: 0.05, blues: 0.2 },
  { name: 'electronic', tempo: [100, 135], meters: [['4/4', 1]], modes: ['minor', 'dorian'], drums: ['disco', 'halftime'], bass: ['octaves', 'eighths', 'syncopated'], guitar: ['muted', 'arpeggio-clean', 'power'], piano: ['arpeggio', 'comp', 'melody'], swing: 0, blues: 0 },
];

const SECTION_TEMPLATES: readonly string[][] = [
  ['intro', 'verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus', 'outro'],
  ['verse', 'verse', 'chorus', 'verse', 'chorus', 'solo', 'chorus'],
  ['intro', 'verse', 'pre', 'chorus', 'verse', 'pre', 'chorus', 'outro'],
  ['intro', 'a', 'a', 'b', 'a', 'solo', 'a'],
  ['verse', 'chorus', 'verse', 'chorus', 'breakdown', 'chorus', 'chorus'],
];

const ENERGY: Record<string, number> = { intro: 0.3, verse: 0.5, pre: 0.6, chorus: 0.85, bridge: 0.55, solo: 0.8, outro: 0.35, a: 0.55, b: 0.7, breakdown: 0.25 };

/** Guitar styles → the guitar role that suits them (drive for power/riff in heavy genres). */
function guitarRole(style: GuitarStyle, genre: Genre, rng: Rng): Role {
  if (style === 'power') return 'guitar-drive';
  if (style === 'riff' || style === 'lead') return genre.name === 'rock' || genre.name === 'metal' || rng.chance(0.35) ? 'guitar-drive' : 'guitar-clean';
  if (style === 'muted') return rng.chance(0.5) ? 'guitar-muted' : genre.name === 'metal' ? 'guitar-drive' : 'guitar-clean';
  if (style === 'fingerpick') return rng.chance(0.7) ? 'guitar-acoustic' : 'guitar-clean';
  if (style === 'strum') return rng.chance(0.6) ? 'guitar-acoustic' : rng.chance(0.5) ? 'guitar-clean' : 'guitar-drive';
  return 'guitar-clean';
}

interface PartPlan {
  role: Role;
  style: string;
  make: (ctx: PatternContext) => PatternOutput;
  /** Plays only in the sections of this name set (undefined: all sections). */
  only?: Set<string>;
  timingSd: number;
  gate: number;
}

function planGuitar(genre: Genre, rng: Rng, style?: GuitarStyle): PartPlan {
  const s = style ?? rng.pick(genre.guitar);
  return { role: guitarRole(s, genre, rng), style: s, make: (ctx) => guitarPattern(ctx, s), timingSd: rng.float(0.006, 0.015), gate: s === 'muted' ? 1 : rng.float(0.8, 1) };
}

function planPiano(genre: Genre, rng: Rng, role: Role, style?: KeysStyle): PartPlan {
  const s = style ?? rng.pick(genre.piano);
  return { role, style: s, make: (ctx) => keysPattern(ctx, s), timingSd: rng.float(0.005, 0.012), gate: rng.float(0.85, 1) };
}

function planEnsemble(role: Role, style: EnsembleStyle, low: number, high: number, rng: Rng): PartPlan {
  return { role, style, make: (ctx) => ensemblePattern(ctx, style, low, high), timingSd: rng.float(0.004, 0.012), gate: style === 'stabs' ? 0.8 : 1 };
}

/** The non-target parts: look-alikes first (keys, other guitars, voices), then colour. */
function planRest(genre: Genre, target: TargetInstrument, rng: Rng): PartPlan[] {
  const plans: PartPlan[] = [];
  const count = rng.int(2, 5);
  const pool: (() => PartPlan)[] = [
    () => planPiano(genre, rng, 'organ', rng.pick(['comp', 'sustained', 'sustained'] as const)),
    () => planPiano(genre, rng, 'epiano', rng.pick(['comp', 'arpeggio', 'ballad'] as const)),
    () => planEnsemble('strings', 'pad', rng.int(52, 62), 84, rng),
    () => planEnsemble('pad', 'pad', rng.int(48, 60), 84, rng),
    () => planEnsemble('brass', rng.pick(['stabs', 'counter'] as const), rng.int(55, 62), 82, rng),
    () => planEnsemble('synth-lead', 'lead', 60, 88, rng),
    () => planEnsemble('voice', rng.pick(['vocal', 'vocal', 'pad'] as const), rng.int(55, 60), 79, rng),
    () => planEnsemble('mallets', rng.pick(['counter', 'lead'] as const), 64, 91, rng),
    () => planEnsemble('plucked', 'counter', 55, 84, rng),
  ];
  // Hard negatives: the other instrument class, and a sung-like lead most of the time.
  if (rng.chance(0.75)) plans.push(target === 'guitar' ? planPiano(genre, rng, rng.chance(0.6) ? 'piano' : 'epiano') : planGuitar(genre, rng));
  if (rng.chance(0.55)) plans.push(planEnsemble('voice', 'vocal', rng.int(55, 60), 79, rng));
  while (plans.length < count) plans.push(rng.pick(pool)());
  return plans;
}

/** Generates song `index` of the dataset seeded by `seed`. */
export function composeSong(opts: ComposeOptions): Song {
  const rng = forkRng(opts.seed, opts.index, 'compose');
  const minSec = opts.minSec ?? 30;
  const maxSec = opts.maxSec ?? 90;
  const genre = rng.pick(GENRES);
  const meter = rng.weighted(genre.meters);
  const compound = meter === '6/8' || meter === '12/8';
  const beatsPerBar = meter === '3/4' ? 3 : meter === '6/8' ? 2 : 4;
  let tempoBpm = rng.int(genre.tempo[0], genre.tempo[1]);
  if (compound) tempoBpm = Math.round(tempoBpm * 0.6); // dotted-quarter beats
  const grid: Grid = { tempoBpm, beatsPerBar, subdivision: compound ? 3 : rng.chance(0.3) ? 4 : 2, swing: compound ? 0 : genre.swing * rng.float(0.5, 1.2) };
  const keyRoot = rng.int(0, 11);
  const mode = rng.pick(genre.modes);
  const blues = rng.chance(genre.blues);
  const barSec = (beatsPerBar * 60) / tempoBpm;
  const targetSec = rng.float(minSec, maxSec);

  // Sections: a template, repeated sections share their progression.
  const template = rng.pick(SECTION_TEMPLATES);
  const progressions = new Map<string, SectionSpan['chords']>();
  const chordBeatsByName = new Map<string, number>();
  const spans: SectionSpan[] = [];
  let bar = 0;
  for (let i = 0; bar * barSec < targetSec; i++) {
    const name = template[i % template.length];
    let bars = blues && name !== 'intro' && name !== 'outro' ? 12 : rng.pick([4, 8, 8]);
    const remaining = Math.ceil((targetSec - bar * barSec) / barSec);
    bars = Math.max(2, Math.min(bars, remaining));
    if (!chordBeatsByName.has(name)) chordBeatsByName.set(name, blues ? beatsPerBar : rng.pick([beatsPerBar, beatsPerBar, beatsPerBar * 2, beatsPerBar / 2 >= 1 && beatsPerBar % 2 === 0 ? beatsPerBar / 2 : beatsPerBar]));
    const chordBeats = chordBeatsByName.get(name) as number;
    const nChords = Math.ceil((bars * beatsPerBar) / chordBeats);
    if (!progressions.has(name)) progressions.set(name, pickProgression(rng, keyRoot, mode, blues, 16));
    const prog = progressions.get(name) as SectionSpan['chords'];
    const cycle = blues ? 12 : rng.chance(0.8) ? 4 : 8;
    const chords = Array.from({ length: nChords }, (_, k) => prog[k % cycle]);
    const energy = Math.min(1, Math.max(0.1, (ENERGY[name] ?? 0.5) + rng.float(-0.15, 0.15)));
    spans.push({ name, startBar: bar, bars, energy, chords, chordBeats });
    bar += bars;
  }
  const durationSec = bar * barSec;

  // Where the target rests or plays alone (never in the first two sections both).
  const sections: Section[] = spans.map((s, i) => {
    let targetMode: Section['targetMode'] = 'plays';
    const r = rng.next();
    if (i > 0 && r < 0.13) targetMode = 'rests';
    else if (r > 0.92 || (i === 0 && s.name === 'intro' && rng.chance(0.3))) targetMode = 'alone';
    return { name: s.name, startSec: s.startBar * barSec, endSec: (s.startBar + s.bars) * barSec, bars: s.bars, targetMode };
  });

  // Parts.
  const plans: { plan: PartPlan; target: boolean }[] = [];
  if (opts.target === 'guitar') {
    const n = rng.weighted([[1, 0.35], [2, 0.45], [3, 0.2]] as const);
    // The first guitar is a rhythm part most of the time; leads come on top.
    const rhythmStyles = genre.guitar.filter((g) => g !== 'lead');
    const first = planGuitar(genre, rng, rng.chance(0.85) ? rng.pick(rhythmStyles) : undefined);
    plans.push({ plan: first, target: true });
    for (let k = 1; k < n; k++) {
      const p = planGuitar(genre, rng);
      if (p.style === 'lead') p.only = new Set(['solo', 'chorus', 'b', 'outro']);
      plans.push({ plan: p, target: true });
    }
  } else {
    plans.push({ plan: planPiano(genre, rng, 'piano', rng.pick(genre.piano.filter((s) => s !== 'solo'))), target: true });
    if (rng.chance(0.4)) plans.push({ plan: { ...planPiano(genre, rng, 'piano', rng.pick(['melody', 'solo'] as const)), only: new Set(['solo', 'chorus', 'b', 'bridge']) }, target: true });
  }
  if (rng.chance(genre.name === 'folk' || genre.name === 'ballad' ? 0.55 : 0.9)) {
    const style = rng.pick(genre.drums.filter((d) => (meter === '3/4' ? true : d !== 'waltz')));
    const ds: DrumStyle = meter === '3/4' ? 'waltz' : compound ? (rng.chance(0.7) ? 'compound' : 'sparse') : style;
    plans.push({ plan: { role: 'drums', style: ds, make: (ctx) => drumPattern(ctx, ds), timingSd: rng.float(0.002, 0.008), gate: 1 }, target: false });
  }
  if (rng.chance(0.9)) {
    const bs = rng.chance(0.8) ? rng.pick(genre.bass) : rng.pick(BASS_STYLES);
    plans.push({ plan: { role: 'bass', style: bs, make: (ctx) => bassPattern(ctx, bs), timingSd: rng.float(0.004, 0.01), gate: rng.float(0.75, 1) }, target: false });
  }
  for (const p of planRest(genre, opts.target, rng)) plans.push({ plan: p, target: false });

  const parts: Part[] = [];
  const roleCount = new Map<string, number>();
  for (const [k, { plan }] of plans.entries()) {
    const prng = rng.fork(`part-${k}`);
    const out = plan.make({ grid, keyRoot, mode, sections: spans, rng: prng });
    const timed = humanise(grid, out.notes, out.controls, prng, { timingSd: plan.timingSd, velocitySd: 6, gate: plan.gate });
    const isTarget = isTargetRole(plan.role, opts.target);
    const inSection = (t: number): Section => sections.find((s) => t >= s.startSec - 0.05 && t < s.endSec - 0.05) ?? sections[sections.length - 1];
    const keep = timed.notes.filter((n) => {
      const s = inSection(n.time);
      if (plan.only && !plan.only.has(s.name)) return false;
      return isTarget ? s.targetMode !== 'rests' : s.targetMode !== 'alone';
    });
    if (keep.length === 0) continue;
    const isDrums = plan.role === 'drums';
    const name = `${plan.role}-${plan.style}`;
    const c = (roleCount.get(name) ?? 0) + 1;
    roleCount.set(name, c);
    parts.push({ name: `${name}-${c}`, role: plan.role, style: plan.style, isDrums, isTarget, notes: keep, controls: timed.controls });
  }

  return {
    seed: opts.seed,
    index: opts.index,
    target: opts.target,
    source: 'generator',
    tempoBpm,
    meter,
    key: `${NOTE_NAMES[keyRoot]} ${mode}`,
    genre: genre.name + (blues ? '-blues' : ''),
    sections,
    parts,
    durationSec,
  };
}
