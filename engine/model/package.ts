import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { StemstreamError } from '../errors.js';
import { repoPath } from '../paths.js';
import { formatIssues, modelManifestSchema, type ModelManifest } from './manifest.js';

/** A validated model package on disk: `<dir>/model.json` + the ONNX file it names. */
export interface ModelPackage {
  dir: string;
  manifest: ModelManifest;
  onnxPath: string;
}

/** Folders searched for model names, in order: $STEMSTREAM_MODELS (colon-separated), then the shipped `models/`. */
export function modelSearchPath(): string[] {
  const extra = (process.env.STEMSTREAM_MODELS ?? '').split(':').filter((p) => p.length > 0);
  return [...extra.map((p) => resolve(p)), repoPath('models')];
}

function looksLikePath(ref: string): boolean {
  return isAbsolute(ref) || ref.startsWith('.') || ref.includes('/') || ref.includes('\\');
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Names of the installed model packages (folders with a model.json), search-path order, no duplicates. */
export function installedModelNames(): string[] {
  const names = new Set<string>();
  for (const root of modelSearchPath()) {
    if (!isDir(root)) continue;
    for (const entry of readdirSync(root).sort()) {
      if (existsSync(join(root, entry, 'model.json'))) names.add(entry);
    }
  }
  return [...names];
}

/** Resolves `guitar` (a name on the search path) or `./my-model` (a folder) to a package folder. */
export function resolveModelDir(ref: string): string {
  if (ref.trim() === '') throw new StemstreamError('SS_ERR_BAD_OPTION', 'model name is empty');
  if (looksLikePath(ref) || isDir(ref)) {
    const dir = resolve(ref);
    if (!isDir(dir)) throw new StemstreamError('SS_ERR_UNKNOWN_MODEL', `model folder not found: ${dir}`);
    return dir;
  }
  for (const root of modelSearchPath()) {
    const dir = join(root, ref);
    if (existsSync(join(dir, 'model.json'))) return dir;
  }
  const known = installedModelNames();
  throw new StemstreamError(
    'SS_ERR_UNKNOWN_MODEL',
    `unknown model "${ref}"; installed models: ${known.length ? known.join(', ') : '(none)'}`,
  );
}

/** Reads and validates `<dir>/model.json`; the error lists every problem with its JSON path. */
export function readModelPackage(dir: string): ModelPackage {
  const jsonPath = join(dir, 'model.json');
  let text: string;
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch {
    throw new StemstreamError('SS_ERR_BAD_MODEL', `model package ${dir} has no readable model.json`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StemstreamError('SS_ERR_BAD_MODEL', `${jsonPath} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = formatIssues(parsed.error);
    throw new StemstreamError('SS_ERR_BAD_MODEL', `${jsonPath} is invalid:\n  ${lines.join('\n  ')}`, { details: lines });
  }
  const manifest = parsed.data;
  const onnxPath = join(dir, manifest.onnx.file);
  if (!existsSync(onnxPath)) {
    throw new StemstreamError('SS_ERR_BAD_MODEL', `${jsonPath} names ${manifest.onnx.file}, which does not exist in ${dir}`);
  }
  return { dir, manifest, onnxPath };
}
