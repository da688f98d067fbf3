/**
 * Loads libflacjs (libFLAC 1.3.4 compiled with emscripten) once per process.
 *
 * The WASM build (about 2x faster than the asm.js one) was made with emscripten 1.39, which loads its
 * .wasm with fetch() whenever fetch exists; Node >= 18 has a global fetch that cannot read file paths,
 * so the load fails. We hide fetch for the synchronous require() so it falls back to reading the file,
 * and fall back to the asm.js build if the WASM one still fails.
 */
import libFactory from 'libflacjs';
import { StemstreamError } from '../errors.js';

export type Flac = libFactory.Flac;

let loading: Promise<Flac> | null = null;

function whenReady(flac: Flac): Promise<Flac> {
  if (flac.isReady()) return Promise.resolve(flac);
  return new Promise((resolve) => flac.on('ready', () => resolve(flac)));
}

function loadVariant(variant: 'wasm' | 'asmjs'): Flac {
  if (variant === 'asmjs') return libFactory('asmjs');
  const g = globalThis as { fetch?: unknown };
  const saved = g.fetch;
  g.fetch = undefined;
  try {
    return libFactory('wasm');
  } finally {
    g.fetch = saved;
  }
}

/** The libFLAC instance, ready to use. */
export function loadFlac(): Promise<Flac> {
  loading ??= (async () => {
    try {
      return await whenReady(loadVariant('wasm'));
    } catch {
      try {
        return await whenReady(loadVariant('asmjs'));
      } catch (e) {
        loading = null;
        throw new StemstreamError('SS_ERR_INTERNAL', 'could not load the FLAC encoder (libflacjs)', { cause: e });
      }
    }
  })();
  return loading;
}
