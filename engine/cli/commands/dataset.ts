/**
 * `stemstream dataset …`: a thin shell over training/synth and training/dataset.
 * Every user mistake becomes a StemstreamError (one line, no stack); progress goes to stderr.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { StemstreamError } from '../../errors.js';
import { synthDataset, TARGET_INSTRUMENTS, SPLITS, type Family, type Split, type TargetInstrument, type SynthProgress } from '../../../training/synth/index.js';
import {
  adjustSilenceTree,
  importMedleyDb,
  importSlakh,
  listenTrack,
  MARKS,
  mixTree,
  readMarks,
  datasetStats,
  formatStats,
  setMark,
  clearMark,
  DEFAULT_SILENCE_OPTIONS,
  buildRealMixes,
  DEFAULT_SAMPLES_DIR,
  REAL_MIX_INSTRUMENTS,
  type Mark,
  type RealMixInstrument,
} from '../../../training/dataset/index.js';

function parseNumber(name: string, v: string, integer = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be ${integer ? 'an integer' : 'a number'} (got '${v}')`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be one of ${allowed.join(', ')} (got '${v}')`);
  return v as T;
}

function listMidi(dir: string): string[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `--midi: ${dir} not found`);
  }
  const files = st.isDirectory() ? readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.(mid|midi|kar|rmi)$/i.test(f)).sort().map((f) => join(dir, f)) : [dir];
  if (files.length === 0) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `--midi: no .mid files under ${dir}`);
  return files;
}

/** A progress reporter: a bar on a TTY, one line per track otherwise (log files). */
async function progressReporter(label: string): Promise<{ update: (p: SynthProgress) => void; stop: () => void }> {
  const t0 = Date.now();
  if (process.stderr.isTTY) {
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} songs | {audio} h audio | {speed}× real time | ETA {eta_formatted}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update: (p) => {
        const wall = (Date.now() - t0) / 1000;
        const payload = { audio: (p.audioSec / 3600).toFixed(2), speed: wall > 0 ? (p.audioSec / wall).toFixed(1) : '–' };
        if (!started) { bar.start(p.total, p.done, payload); started = true; } else bar.update(p.done, payload);
      },
      stop: () => bar.stop(),
    };
  }
  return {
    update: (p) => {
      const wall = (Date.now() - t0) / 1000;
      process.stderr.write(`${label} ${p.done}/${p.total} ${p.track} audio=${(p.audioSec / 3600).toFixed(3)}h wall=${wall.toFixed(0)}s speed=${wall > 0 ? (p.audioSec / wall).toFixed(1) : '-'}x\n`);
    },
    stop: () => undefined,
  };
}

export function registerDataset(program: Command): void {
  const dataset = program.command('dataset').description('build and curate training data (synthetic songs, MedleyDB/Slakh imports, silence, marks)');

  dataset
    .command('synth')
    .description('render synthetic multitrack songs into OUT/tracks_<rate>hz/<track>/{instrument,rest}_<track>.wav')
    .requiredOption('--instrument <name>', `target instrument (${TARGET_INSTRUMENTS.join(', ')})`)
    .requiredOption('--out <dir>', 'output directory')
    .option('--hours <h>', 'hours of audio to render', '1')
    .option('--seed <n>', 'dataset seed', '0')
    .option('--split <split>', `train (FluidR3+TimGM6mb) or val (held-out target family)`, 'train')
    .option('--rate <hz>', 'sample rate', '22050')
    .option('--workers <n>', 'worker threads (0: render inline)', '2')
    .option('--midi <dir>', 're-voice the MIDI files in this directory instead of generating songs')
    .option('--families <list>', 'train split: voice songs from these training families only, comma-separated (fluidr3, timgm6mb, waveguide, hydrogen; default all of these; salamander and tonejs are opt-in)')
    .action(async (o: { instrument: string; out: string; hours: string; seed: string; split: string; rate: string; workers: string; midi?: string; families?: string }) => {
      const instrument = oneOf<TargetInstrument>('--instrument', o.instrument, TARGET_INSTRUMENTS);
      const split = oneOf<Split>('--split', o.split, SPLITS);
      const hours = parseNumber('--hours', o.hours);
      const seed = parseNumber('--seed', o.seed, true);
      const sampleRate = parseNumber('--rate', o.rate, true);
      const workers = parseNumber('--workers', o.workers, true);
      const midiFiles = o.midi ? listMidi(resolve(o.midi)) : undefined;
      const families = o.families?.split(',').map((f) => f.trim()) as Family[] | undefined;
      const progress = await progressReporter(`synth ${instrument}/${split}`);
      try {
        const s = await synthDataset({ instrument, split, seed, hours, outDir: resolve(o.out), sampleRate, workers, midiFiles, families, onProgress: progress.update });
        progress.stop();
        process.stderr.write(`done: ${s.tracks.length} tracks (${s.rendered} rendered, ${s.skipped} already there), ${(s.audioSec / 3600).toFixed(2)} h rendered in ${(s.wallSec / 60).toFixed(1)} min (${s.wallSec > 0 ? (s.audioSec / s.wallSec).toFixed(1) : '-'}× real time)\n`);
      } finally {
        progress.stop();
      }
    });

  dataset
    .command('real-mixes')
    .description('evaluation tracks from real CC0 recordings (Debian sonic-pi-samples): guitar or piano phrases layered over real drum/percussion loops')
    .requiredOption('--instrument <name>', `target instrument (${REAL_MIX_INSTRUMENTS.join(', ')})`)
    .requiredOption('--out <dir>', 'output directory (writes tracks_<rate>hz/<track>/… and real-mixes.json)')
    .option('--samples <dir>', 'folder of the sonic-pi samples', DEFAULT_SAMPLES_DIR)
    .option('--seed <n>', 'set seed', '1')
    .option('--tracks <n>', 'number of tracks', '20')
    .option('--min-seconds <s>', 'shortest track', '12')
    .option('--max-seconds <s>', 'longest track', '20')
    .action(async (o: { instrument: string; out: string; samples: string; seed: string; tracks: string; minSeconds: string; maxSeconds: string }) => {
      const instrument = oneOf<RealMixInstrument>('--instrument', o.instrument, REAL_MIX_INSTRUMENTS);
      const r = await buildRealMixes({
        samplesDir: resolve(o.samples),
        instrument,
        outDir: resolve(o.out),
        seed: parseNumber('--seed', o.seed, true),
        tracks: parseNumber('--tracks', o.tracks, true),
        minSeconds: parseNumber('--min-seconds', o.minSeconds),
        maxSeconds: parseNumber('--max-seconds', o.maxSeconds),
        onTrack: (done, total, t) => process.stderr.write(`real-mixes ${done}/${total} ${t.track} ${t.durationSec.toFixed(1)} s\n`),
      });
      for (const t of r.removed) process.stderr.write(`removed stale track ${t}\n`);
      process.stderr.write(`wrote ${r.tracks.length} tracks to ${r.tracksDir}\n`);
    });

  dataset
    .command('import')
    .description('import a MedleyDB or Slakh2100 tree into tracks_<rate>hz/<track>/{instrument,rest}_<track>.wav')
    .requiredOption('--format <fmt>', 'medleydb or slakh')
    .requiredOption('--instrument <name>', 'target instrument group (guitar, piano, …)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--mapping <file>', 'YAML/JSON mapping of source instrument labels to groups (default: built in)')
    .option('--rate <hz>', 'sample rate of the written stems (sources must already have it)', '')
    .argument('<root>', 'dataset root directory')
    .action(async (root: string, o: { format: string; instrument: string; out: string; mapping?: string; rate: string }) => {
      const format = oneOf('--format', o.format, ['medleydb', 'slakh'] as const);
      const opts = { root: resolve(root), outDir: resolve(o.out), instrument: o.instrument, mappingFile: o.mapping, sampleRate: o.rate ? parseNumber('--rate', o.rate, true) : undefined };
      const r = format === 'medleydb' ? await importMedleyDb(opts) : await importSlakh(opts);
      for (const f of r.failed) process.stderr.write(`skipped ${f.track}: ${f.reason}\n`);
      process.stderr.write(`imported ${r.imported.length} tracks, ${r.failed.length} skipped\n`);
      if (r.failed.length > 0 && r.imported.length === 0) process.exitCode = 1;
    });

  dataset
    .command('silence')
    .description('cut silent 1 s windows (instrument below −50 dBFS) from both stems of every track')
    .argument('<tracks-dir>', 'a tracks_<rate>hz directory')
    .option('--out <dir>', 'write adjusted tracks here instead of in place')
    .option('--threshold-db <db>', 'silence threshold, dBFS', String(DEFAULT_SILENCE_OPTIONS.thresholdDb))
    .option('--window-sec <s>', 'window length, seconds', String(DEFAULT_SILENCE_OPTIONS.windowSec))
    .option('--cutoff <ratio>', 'leave tracks whose audible ratio is at least this alone', String(DEFAULT_SILENCE_OPTIONS.cutoffRatio))
    .option('--target <ratio>', 'cut silences until the audible ratio reaches this', String(DEFAULT_SILENCE_OPTIONS.targetRatio))
    .option('--minimum <ratio>', 'drop tracks whose audible ratio stays below this', String(DEFAULT_SILENCE_OPTIONS.minimumRatio))
    .option('--dry-run', 'report only')
    .action(async (dir: string, o: { out?: string; thresholdDb: string; windowSec: string; cutoff: string; target: string; minimum: string; dryRun?: boolean }) => {
      const r = await adjustSilenceTree(resolve(dir), {
        thresholdDb: parseNumber('--threshold-db', o.thresholdDb),
        windowSec: parseNumber('--window-sec', o.windowSec),
        cutoffRatio: parseNumber('--cutoff', o.cutoff),
        targetRatio: parseNumber('--target', o.target),
        minimumRatio: parseNumber('--minimum', o.minimum),
      }, { outDir: o.out ? resolve(o.out) : undefined, dryRun: !!o.dryRun });
      for (const t of r) process.stdout.write(`${t.track}\t${t.action}\taudible ${(t.before.audibleRatio * 100).toFixed(1)}% -> ${(t.after.audibleRatio * 100).toFixed(1)}%\tcut ${t.cutWindows.length} s\n`);
    });

  dataset
    .command('marks')
    .description('show, set or clear quality marks (empty files <instrument>_<mark>) of a track')
    .argument('<track-dir>', 'one track directory')
    .requiredOption('--instrument <name>', 'instrument the marks are about')
    .option('--set <mark>', `set a mark (${MARKS.join(', ')})`)
    .option('--clear <mark>', 'clear a mark')
    .action((dir: string, o: { instrument: string; set?: string; clear?: string }) => {
      if (o.set) setMark(resolve(dir), o.instrument, oneOf<Mark>('--set', o.set, MARKS));
      if (o.clear) clearMark(resolve(dir), o.instrument, oneOf<Mark>('--clear', o.clear, MARKS));
      process.stdout.write(`${readMarks(resolve(dir), o.instrument).join(' ') || '(no marks)'}\n`);
    });

  dataset
    .command('listen')
    .description('play N excerpts of each stem of a track and set quality marks by key')
    .argument('<track-dir>', 'one track directory')
    .requiredOption('--instrument <name>', 'instrument the marks are about')
    .option('--splits <n>', 'excerpts per stem', '5')
    .option('--seconds <s>', 'length of each excerpt', '4')
    .option('--print-only', 'print the play commands instead of playing')
    .action(async (dir: string, o: { instrument: string; splits: string; seconds: string; printOnly?: boolean }) => {
      await listenTrack(resolve(dir), { instrument: o.instrument, splits: parseNumber('--splits', o.splits, true), seconds: parseNumber('--seconds', o.seconds), printOnly: !!o.printOnly });
    });

  dataset
    .command('stats')
    .description('silence statistics and histograms of a tracks directory (as in the thesis appendix)')
    .argument('<tracks-dir>', 'a tracks_<rate>hz directory')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      const s = await datasetStats(resolve(dir));
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : formatStats(s));
    });

  dataset
    .command('mix')
    .description('write mix_<track>.wav = instrument + rest for every track (checks lengths and rates)')
    .argument('<tracks-dir>', 'a tracks_<rate>hz directory')
    .action(async (dir: string) => {
      const r = await mixTree(resolve(dir));
      process.stderr.write(`mixed ${r.length} tracks\n`);
    });
}
