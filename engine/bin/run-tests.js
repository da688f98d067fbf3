#!/usr/bin/env node
// `npm test`: runs every compiled `*.test.js` under dist/ with node's test runner. Listing the files
// ourselves (Node 20 has no glob arguments) keeps helper modules such as test-helpers.js from
// being taken for test files. Extra arguments are passed to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

const files = find(dist).map((f) => relative(root, f)).sort();
if (files.length === 0) {
  console.error('no compiled tests under dist/: run `npm run build` first');
  process.exit(1);
}
const args = ['--test', '--test-concurrency=2', ...process.argv.slice(2), ...files];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
