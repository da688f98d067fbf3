/**
 * `stemstream dataset …` without the rest of the CLI: it loads no inference runtime, audio device
 * or MIDI binding, so the data tools run where only the generator travels (training/device/).
 */
import { registerDataset } from './commands/dataset.js';
import { runProgram } from './program.js';

export function main(argv: string[]): Promise<number> {
  return runProgram(argv, registerDataset);
}
