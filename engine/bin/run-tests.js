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
// Unit tests run two files at a time; the integration tests (real JACK server, real-time
// streams, browser) run afterwards one at a time, so no other test steals their CPU.
const unit = files.filter((f) => !f.endsWith('.integration.test.js'));
const integration = files.filter((f) => f.endsWith('.integration.test.js'));
let status = 0;
for (const [group, concurrency] of [[unit, 2], [integration, 1]]) {
  if (group.length === 0) continue;
  const args = ['--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(2), ...group];
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) status = run.status ?? 1;
}
process.exit(status);
