import type { Command } from 'commander';
import { StemstreamError } from '../../errors.js';
import { AUDIO_API_NAMES, formatAudioSystems, listAudioSystems, platformApis, type AudioApiName } from '../../audio-io/index.js';

/** `stemstream devices [--api <name>] [--json]`: list audio APIs and their devices. */
export function registerDevices(program: Command): void {
  program
    .command('devices')
    .description('list audio systems (JACK, ALSA, …) and their devices, with the ids to pass to live mode')
    .option('--api <name>', `probe only this API (${[...Object.keys(AUDIO_API_NAMES), 'null'].join(', ')})`)
    .option('--json', 'print JSON instead of a listing')
    .action((opts: { api?: string; json?: boolean }) => {
      let apis: readonly AudioApiName[] = platformApis();
      if (opts.api !== undefined) {
        if (opts.api !== 'null' && !(opts.api in AUDIO_API_NAMES)) {
          throw new StemstreamError('SS_ERR_BAD_OPTION', `unknown audio API "${opts.api}"; use one of: ${[...Object.keys(AUDIO_API_NAMES), 'null'].join(', ')}`);
        }
        apis = [opts.api as AudioApiName];
      }
      const systems = listAudioSystems(apis);
      process.stdout.write(opts.json ? `${JSON.stringify(systems, null, 2)}\n` : formatAudioSystems(systems));
    });
}
