import { StemstreamError } from '../errors.js';

/** commander argument parser for an integer in [min, max]; a bad value is a usage error (exit 2). */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be an integer in ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

/** Like {@link intOption}, or the word 'auto'. */
export function intOrAutoOption(name: string, min: number, max: number): (value: string) => number | 'auto' {
  const int = intOption(name, min, max);
  return (value) => {
    if (value === 'auto') return 'auto';
    try {
      return int(value);
    } catch {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be 'auto' or an integer in ${min}..${max}, got "${value}"`);
    }
  };
}

/** commander argument parser for a finite number in [min, max]. */
export function numberOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be a number in ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

/** commander argument parser for a number above zero. */
export function positiveOption(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new StemstreamError('SS_ERR_BAD_OPTION', `${name} must be a positive number, got "${value}"`);
    return n;
  };
}
