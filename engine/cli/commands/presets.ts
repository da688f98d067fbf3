import type { Command } from 'commander';
import { PresetStore, presetFromState } from '../../control/index.js';
import { StemstreamError } from '../../errors.js';
import { MAX_GAIN_DB, MIN_GAIN_DB, defaultMixerState } from '../../mixer/index.js';

export interface PresetSaveArgs {
  instrumentDb?: number;
  restDb?: number;
  masterDb?: number;
  muteInstrument?: boolean;
  muteRest?: boolean;
  soloInstrument?: boolean;
  soloRest?: boolean;
  model?: string;
  latency?: number;
  description?: string;
  /** Start from this preset instead of unity. */
  from?: string;
}

function db(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < MIN_GAIN_DB || n > MAX_GAIN_DB) throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be a gain in ${MIN_GAIN_DB}..${MAX_GAIN_DB} dB, got "${v}"`);
    return n;
  };
}

/** `presets list` as text: one line per preset, shipped ones marked. */
export function formatPresetList(store: PresetStore): string {
  const list = store.list();
  if (list.length === 0) return '(no presets)\n';
  const width = Math.max(...list.map((p) => p.name.length));
  return list.map((p) => `${p.name.padEnd(width)}  ${p.readOnly ? '[shipped]' : '[user]   '}  ${p.description}`).join('\n') + '\n';
}

/** Builds and saves a user preset from flags (the CLI side of the UI's "save"). */
export function savePresetFromArgs(store: PresetStore, name: string, a: PresetSaveArgs): void {
  const base = a.from ? store.load(a.from) : null;
  const mixer = base ? structuredClone(base.mixer) : defaultMixerState();
  if (a.instrumentDb !== undefined) mixer.stems.instrument.gainDb = a.instrumentDb;
  if (a.restDb !== undefined) mixer.stems.rest.gainDb = a.restDb;
  if (a.masterDb !== undefined) mixer.masterGainDb = a.masterDb;
  if (a.muteInstrument) mixer.stems.instrument.mute = true;
  if (a.muteRest) mixer.stems.rest.mute = true;
  if (a.soloInstrument) mixer.stems.instrument.solo = true;
  if (a.soloRest) mixer.stems.rest.solo = true;
  store.save(
    presetFromState(
      name,
      { mixer, model: a.model ?? base?.model, latencyMs: a.latency ?? base?.latencyMs },
      { description: a.description ?? base?.description, midi: base?.midi },
    ),
  );
}

export function registerPresets(program: Command, store: () => PresetStore = () => new PresetStore()): void {
  const cmd = program.command('presets').description('list, show, save and delete mixer presets (used by `live --preset NAME` and the UI)');
  cmd
    .command('list')
    .description('shipped (read-only) and user presets')
    .action(() => void process.stdout.write(formatPresetList(store())));
  cmd
    .command('show <name>')
    .description('print a preset as JSON')
    .action((name: string) => void process.stdout.write(`${JSON.stringify(store().load(name), null, 2)}\n`));
  cmd
    .command('save <name>')
    .description(`save a user preset (folder: $STEMSTREAM_PRESETS or ~/.config/stemstream/presets)`)
    .option('--from <preset>', 'start from this preset instead of unity')
    .option('--instrument-db <dB>', 'instrument gain', db('--instrument-db'))
    .option('--rest-db <dB>', 'rest gain', db('--rest-db'))
    .option('--master-db <dB>', 'master gain', db('--master-db'))
    .option('--mute-instrument', 'mute the instrument')
    .option('--mute-rest', 'mute the rest')
    .option('--solo-instrument', 'solo the instrument')
    .option('--solo-rest', 'solo the rest')
    .option('--model <name>', 'model to switch to')
    .option('--latency <ms>', 'separator latency in ms', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 1 || n > 5000) throw new StemstreamError('SS_ERR_BAD_OPTION', `--latency must be 1..5000 ms, got "${v}"`);
      return n;
    })
    .option('--description <text>', 'one line shown in lists')
    .action((name: string, opts: PresetSaveArgs) => {
      const s = store();
      savePresetFromArgs(s, name, opts);
      process.stderr.write(`stemstream: saved preset "${name}" in ${s.userDir}\n`);
    });
  cmd
    .command('delete <name>')
    .description('delete a user preset (shipped presets are read-only)')
    .action((name: string) => store().delete(name));
}
