import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerDataset } from './dataset.js';

function program(): Command {
  const p = new Command('stemstream').exitOverride();
  registerDataset(p);
  for (const c of p.commands) { c.exitOverride(); for (const s of c.commands) s.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined }); }
  return p;
}

test('dataset subcommands are registered', () => {
  const ds = program().commands.find((c) => c.name() === 'dataset');
  assert.deepEqual(ds?.commands.map((c) => c.name()).sort(), ['import', 'listen', 'marks', 'mix', 'real-mixes', 'silence', 'stats', 'synth']);
});

test('dataset marks sets a mark file; bad values are StemstreamErrors', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ss-cli-')), 'track');
  mkdirSync(dir);
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  try {
    await program().parseAsync(['dataset', 'marks', dir, '--instrument', 'guitar', '--set', 'bleed'], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  assert.ok(existsSync(join(dir, 'guitar_bleed')));
  assert.match(out.join(''), /bleed/);
  await assert.rejects(program().parseAsync(['dataset', 'marks', dir, '--instrument', 'guitar', '--set', 'awful'], { from: 'user' }), { code: 'SS_ERR_BAD_OPTION' });
  await assert.rejects(program().parseAsync(['dataset', 'synth', '--instrument', 'kazoo', '--out', dir], { from: 'user' }), { code: 'SS_ERR_BAD_OPTION', message: /--instrument must be one of guitar, piano/ });
  await assert.rejects(program().parseAsync(['dataset', 'synth', '--instrument', 'guitar', '--out', dir, '--seed', 'x'], { from: 'user' }), { code: 'SS_ERR_BAD_OPTION' });
});

test('dataset real-mixes: a missing samples folder and a bad instrument are StemstreamErrors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-cli-real-'));
  await assert.rejects(program().parseAsync(['dataset', 'real-mixes', '--samples', join(dir, 'nope'), '--instrument', 'guitar', '--out', dir], { from: 'user' }), { code: 'SS_ERR_FILE_NOT_FOUND', message: /sonic-pi-samples/ });
  await assert.rejects(program().parseAsync(['dataset', 'real-mixes', '--samples', dir, '--instrument', 'bass', '--out', dir], { from: 'user' }), { code: 'SS_ERR_BAD_OPTION', message: /guitar, piano/ });
  await assert.rejects(program().parseAsync(['dataset', 'real-mixes', '--samples', dir, '--instrument', 'piano', '--out', dir, '--tracks', 'x'], { from: 'user' }), { code: 'SS_ERR_BAD_OPTION' });
});
