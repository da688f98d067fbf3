import type { Command } from 'commander';
import { registerDataset } from './dataset.js';
import { registerDevices } from './devices.js';
import { registerEval, registerEvalCompare } from './eval.js';
import { registerLive } from './live.js';
import { registerMidi } from './midi.js';
import { registerModels } from './models.js';
import { registerPresets } from './presets.js';
import { registerSeparate } from './separate.js';

/** Every subcommand, in the order `stemstream --help` lists them. */
export function registerCommands(program: Command): void {
  registerSeparate(program);
  registerLive(program);
  registerDevices(program);
  registerMidi(program);
  registerPresets(program);
  registerModels(program);
  registerEval(program);
  registerEvalCompare(program);
  registerDataset(program);
}
