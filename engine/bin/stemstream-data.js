#!/usr/bin/env node
// `stemstream dataset …` alone (engine/cli/data-main.ts): same commands and options, no inference
// runtime or native audio/MIDI modules loaded, for machines that carry only the data generator.
import { main } from '../../dist/engine/cli/data-main.js';

process.exitCode = await main(process.argv.slice(2));
