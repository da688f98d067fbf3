/**
 * Runs the trainer's Python unit tests (training/tests) as part of `npm test`. Needs Debian's
 * PyTorch (/usr/bin/python3, or $STEMSTREAM_PYTHON). Off CI a machine without PyTorch skips them
 * with a message; on CI (CI set) a missing PyTorch fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repoPath } from '../engine/paths.js';

const python = process.env.STEMSTREAM_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import torch, numpy, scipy'], { encoding: 'utf8' });
const available = probe.status === 0;
const skip = !available && !process.env.CI ? `PyTorch not found at ${python} (install python3-torch or set STEMSTREAM_PYTHON)` : false;

test('Python trainer tests (unittest discover training/tests)', { skip, timeout: 600_000 }, () => {
  assert.ok(available, `PyTorch is required on CI: ${probe.stderr}`);
  const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests'], {
    cwd: repoPath('training'),
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const tail = `${run.stdout}\n${run.stderr}`.split('\n').slice(-40).join('\n');
  assert.equal(run.status, 0, `Python tests failed:\n${tail}`);
  assert.match(run.stderr, /Ran \d+ tests?/);
});
