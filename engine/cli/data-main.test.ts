import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A module hook that makes the native modules unloadable, as on a machine that carries only the
// data generator (training/device/pack.sh leaves them out).
const dir = mkdtempSync(join(tmpdir(), 'ss-data-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hooks = join(dir, 'hooks.mjs');
writeFileSync(hooks, `export async function resolve(s, c, next) {
  if (/^(onnxruntime-node|audify|@julusian\\/midi)(\\/|$)/.test(s)) throw new Error('blocked ' + s);
  return next(s, c);
}\n`);
const register = join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

function run(entry: string, args: string[]): { status: number | null; out: string } {
  const code = `const { main } = await import(${JSON.stringify(pathToFileURL(entry).href)}); process.exitCode = await main(${JSON.stringify(args)});`;
  const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// Beside this file in dist/ (suffix kept, so it also runs from the sources under tsx).
const here = fileURLToPath(import.meta.url);
const sibling = (name: string): string => here.replace(/data-main\.test\.(ts|js)$/, `${name}.$1`);

test('the dataset-only CLI runs without the inference runtime and the native audio/MIDI modules', { skip: here.endsWith('.ts') && 'runs from dist/' }, () => {
  const data = run(sibling('data-main'), ['dataset', 'synth', '--help']);
  assert.equal(data.status, 0, data.out);
  assert.match(data.out, /Usage: stemstream dataset synth/);
  assert.match(data.out, /--families <list>/);
  const bad = run(sibling('data-main'), ['dataset', 'synth', '--instrument', 'guitar', '--out', join(dir, 'x'), '--split', 'val', '--families', 'timgm6mb']);
  assert.equal(bad.status, 2, bad.out);
  assert.match(bad.out, /--families applies to --split train only/);
  // The full CLI needs them: the hook bites (so the first check means something).
  const full = run(sibling('main'), ['--help']);
  assert.notEqual(full.status, 0, full.out);
  assert.match(full.out, /blocked (onnxruntime-node|audify|@julusian\/midi)/);
});
