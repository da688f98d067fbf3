import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repoPath } from '../../paths.js';

const bin = repoPath('engine', 'bin', 'stemstream.js');
const tiny = repoPath('engine', 'model', 'fixtures', 'tiny');

test('stemstream live --duration S --report json prints one JSON object with the contract keys', () => {
  const r = spawnSync(
    process.execPath,
    [bin, 'live', '--input', 'demo', '--output', 'null', '--model', tiny, '--duration', '3', '--hop-interval', '4', '--latency', '200', '--report', 'json'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one line on stdout');
  const report = JSON.parse(lines[0]) as Record<string, unknown>;
  for (const key of ['latency_ms', 'deadline_misses', 'xruns', 'inference_rtf', 'cpu_percent']) {
    assert.equal(typeof report[key], 'number', key);
    assert.ok(Number.isFinite(report[key] as number), key);
  }
  assert.ok((report.latency_ms as number) >= 200, 'at least the separator delay');
  assert.ok((report.inference_rtf as number) > 0);
  assert.equal(report.hop_interval, 4);
  assert.ok((report.duration_s as number) >= 2.9);
});

test('stemstream live with an unreadable input or unknown model fails with one clear line', () => {
  const a = spawnSync(process.execPath, [bin, 'live', '--input', '/nonexistent/song.wav', '--output', 'null', '--model', tiny, '--duration', '1'], { encoding: 'utf8' });
  assert.equal(a.status, 1);
  assert.match(a.stderr, /input not found: \/nonexistent\/song\.wav/);
  const b = spawnSync(process.execPath, [bin, 'live', '--input', 'demo', '--output', 'null', '--model', 'no-such-model', '--duration', '1'], { encoding: 'utf8' });
  assert.equal(b.status, 1);
  assert.match(b.stderr, /unknown model "no-such-model"/);
  for (const r of [a, b]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});
