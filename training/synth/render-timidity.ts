/**
 * Renders one part with timidity and the freepats GUS patches (which spessasynth cannot load):
 * the part goes out as a one-track SMF, comes back as 16-bit stereo WAV, effects disabled.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import wavefile from 'wavefile';
import { StemstreamError } from '../../engine/errors.js';
import { FREEPATS_CONFIG, type PresetRef } from './presets.js';
import { partToSmf } from './smf-writer.js';
import type { Part } from './song.js';

const run = promisify(execFile);

/** True when timidity and the freepats configuration are installed. */
export function timidityAvailable(): boolean {
  return existsSync('/usr/bin/timidity') && existsSync(FREEPATS_CONFIG);
}

/** Dry stereo stem `[left, right]` (planar, `nbSamples` long) of `part` voiced by a freepats patch. */
export async function renderTimidity(part: Part, preset: PresetRef, sampleRate: number, nbSamples: number): Promise<Float32Array[]> {
  if (!timidityAvailable()) throw new StemstreamError('SS_ERR_BAD_OPTION', `the freepats validation family needs timidity and ${FREEPATS_CONFIG} (apt-get install timidity freepats)`);
  const dir = mkdtempSync(join(tmpdir(), 'ss-timidity-'));
  try {
    const mid = join(dir, 'part.mid');
    const wav = join(dir, 'part.wav');
    writeFileSync(mid, partToSmf(part, part.isDrums ? 9 : 0, preset.program, preset.bank));
    // -c alone: freepats only, not the system default (which sources FluidR3).
    await run('timidity', ['-c', FREEPATS_CONFIG, '-s', String(sampleRate), '-Ow', '--output-stereo', '--output-16bit', '--preserve-silence', '-EFreverb=d', '-EFchorus=d', '-EFdelay=d', '-EFns=0', '-A100', '-o', wav, mid], { timeout: 120_000 });
    const w = new wavefile.WaveFile(readFileSync(wav));
    const samples = w.getSamples(false, Float32Array) as unknown as Float32Array[];
    const scale = 1 / 32768;
    return [0, 1].map((c) => {
      const src = samples[Math.min(c, samples.length - 1)];
      const out = new Float32Array(nbSamples);
      const n = Math.min(nbSamples, src.length);
      for (let i = 0; i < n; i++) out[i] = src[i] * scale;
      return out;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
