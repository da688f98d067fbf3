import type { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { createProgram, runProgram } from './program.js';

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './program.js';

/** The whole `stemstream` parser. */
export function buildProgram(): Command {
  return createProgram(registerCommands);
}

/** Runs the CLI and returns the exit code. */
export function main(argv: string[]): Promise<number> {
  return runProgram(argv, registerCommands);
}
