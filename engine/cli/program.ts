import { Command, CommanderError } from 'commander';
import { StemstreamError, describeError } from '../errors.js';

/** Exit codes: 0 ok, 1 a run failed (bad file, model, device), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Adds subcommands to the program (all of them, or only the data tools). */
export type RegisterCommands = (program: Command) => void;

/** The parser alone, so tests can inspect it (demucs: get_parser() apart from main()). */
export function createProgram(register: RegisterCommands): Command {
  const program = new Command('stemstream')
    .description('Separate one instrument from the rest of the music, live or from files.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the program and returns the exit code; never throws, never prints a stack for a user mistake. */
export async function runProgram(argv: string[], register: RegisterCommands): Promise<number> {
  const program = createProgram(register);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are "errors" to commander; they already printed.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof StemstreamError) {
      process.stderr.write(`stemstream: error: ${e.message}\n`);
      return e.code === 'SS_ERR_BAD_OPTION' ? EXIT_USAGE : EXIT_FAILURE;
    }
    process.stderr.write(`stemstream: internal error: ${describeError(e)}\n`);
    if (process.env.STEMSTREAM_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT_FAILURE;
  }
}
