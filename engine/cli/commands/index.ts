import type { Command } from 'commander';
import { registerEval } from './eval.js';
import { registerModels } from './models.js';
import { registerSeparate } from './separate.js';

/** Every subcommand, in the order `stemstream --help` lists them. */
export function registerCommands(program: Command): void {
  registerSeparate(program);
  registerModels(program);
  registerEval(program);
}
