import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StemstreamError } from '../errors.js';
import { repoPath } from '../paths.js';
import { presetNameSchema, type PresetInfo } from './messages.js';
import { presetSchema, type Preset } from './preset-schema.js';

/** The user preset folder: $STEMSTREAM_PRESETS, else $XDG_CONFIG_HOME/stemstream/presets, else ~/.config/stemstream/presets. */
export function defaultUserPresetDir(): string {
  if (process.env.STEMSTREAM_PRESETS) return process.env.STEMSTREAM_PRESETS;
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'stemstream', 'presets');
}

export interface PresetStoreOptions {
  /** Read-only presets shipped with stemstream (default: the repository's `presets/`). */
  shippedDir?: string;
  /** Where saves go (default: defaultUserPresetDir()). Created on first save. */
  userDir?: string;
}

/**
 * Presets on disk: shipped ones (read-only) and the user's. A user preset may not take a shipped
 * name, so a name always means one file. All names pass presetNameSchema before they touch a
 * path (no separators, no leading dot), so no name reaches outside the two folders.
 */
export class PresetStore {
  readonly shippedDir: string;
  readonly userDir: string;

  constructor(options: PresetStoreOptions = {}) {
    this.shippedDir = options.shippedDir ?? repoPath('presets');
    this.userDir = options.userDir ?? defaultUserPresetDir();
  }

  /** Shipped presets first, then the user's, each sorted by name. Unreadable files are skipped. */
  list(): PresetInfo[] {
    const out: PresetInfo[] = [];
    for (const [dir, readOnly] of [[this.shippedDir, true], [this.userDir, false]] as const) {
      for (const name of this.namesIn(dir)) {
        if (!readOnly && out.some((p) => p.name === name)) continue;
        try {
          out.push({ name, readOnly, description: this.readFile(join(dir, `${name}.json`), name).description });
        } catch {
          // A broken file stays out of the list; `load` reports it by name.
        }
      }
    }
    return out;
  }

  /** Reads and validates one preset; SS_ERR_FILE_NOT_FOUND if there is none, SS_ERR_BAD_OPTION if it is invalid. */
  load(name: string): Preset {
    const path = this.pathOf(this.checkName(name));
    if (path === null) {
      const known = this.list().map((p) => p.name);
      throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `no preset named "${name}"; presets: ${known.length ? known.join(', ') : '(none)'}`);
    }
    return this.readFile(path, name);
  }

  isReadOnly(name: string): boolean {
    return existsSync(join(this.shippedDir, `${this.checkName(name)}.json`));
  }

  /** Writes a user preset (atomically: temp file + rename). Refuses shipped names. */
  save(preset: Preset): void {
    const name = this.checkName(preset.name);
    this.refuseShipped(name, 'overwrite');
    const valid = presetSchema.parse(preset);
    mkdirSync(this.userDir, { recursive: true });
    const path = join(this.userDir, `${name}.json`);
    try {
      writeFileSync(`${path}.tmp`, `${JSON.stringify(valid, null, 2)}\n`);
      renameSync(`${path}.tmp`, path);
    } catch (e) {
      throw new StemstreamError('SS_ERR_WRITE_FAILED', `cannot write preset ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  rename(from: string, to: string): void {
    const preset = this.load(from);
    this.refuseShipped(this.checkName(from), 'rename');
    this.refuseShipped(this.checkName(to), 'overwrite');
    if (from !== to && existsSync(join(this.userDir, `${to}.json`))) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `a preset named "${to}" already exists`);
    }
    this.save({ ...preset, name: to });
    if (from !== to) rmSync(join(this.userDir, `${from}.json`), { force: true });
  }

  delete(name: string): void {
    this.refuseShipped(this.checkName(name), 'delete');
    const path = join(this.userDir, `${name}.json`);
    if (!existsSync(path)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `no user preset named "${name}"`);
    rmSync(path);
  }

  private checkName(name: string): string {
    const r = presetNameSchema.safeParse(name);
    if (!r.success) throw new StemstreamError('SS_ERR_BAD_OPTION', `bad preset name "${name.slice(0, 80)}": ${r.error.issues[0]?.message ?? 'invalid'}`);
    return r.data;
  }

  private refuseShipped(name: string, verb: string): void {
    if (existsSync(join(this.shippedDir, `${name}.json`))) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `cannot ${verb} "${name}": shipped presets are read-only (save under another name)`, {
        details: { reason: 'read-only' },
      });
    }
  }

  private pathOf(name: string): string | null {
    for (const dir of [this.shippedDir, this.userDir]) {
      const path = join(dir, `${name}.json`);
      if (existsSync(path)) return path;
    }
    return null;
  }

  private namesIn(dir: string): string[] {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return [];
    }
    return entries
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => presetNameSchema.safeParse(n).success)
      .sort((a, b) => a.localeCompare(b));
  }

  private readFile(path: string, name: string): Preset {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `preset ${path} is not readable JSON: ${(e as Error).message}`);
    }
    const parsed = presetSchema.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new StemstreamError('SS_ERR_BAD_OPTION', `preset ${path} is invalid: ${why}`);
    }
    if (parsed.data.name !== name) return { ...parsed.data, name };
    return parsed.data;
  }
}
