import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The repository/package root (the folder holding package.json), found by walking up from this
 * file, so the same code works from `engine/` under tsx and from `dist/engine/` after tsc.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) break;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('stemstream: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

/** Absolute path of a repository-relative path (fixtures, models, presets, ui/dist). */
export function repoPath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
