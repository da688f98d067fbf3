import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { readAudio, writeAudio } from '../../audio-file/index.js';
import { OfflineJobs } from '../../control/offline-jobs.js';
import { repoPath } from '../../paths.js';
import { separateToDir } from './live.js';

const tmp = mkdtempSync(join(tmpdir(), 'ss-offline-page-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the offline page path separates an upload with the real separator and serves both stems', async () => {
  const rate = 44100;
  const n = Math.round(rate * 2.2);
  const x = [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (220 + 110 * c) * i) / rate)));
  const song = join(tmp, 'song.wav');
  await writeAudio(song, { sampleRate: rate, channels: x }, { format: 'wav', bits: 16 });
  const progress: number[] = [];
  const jobs = new OfflineJobs({
    dir: join(tmp, 'files'),
    maxUploadBytes: 10 * 1024 * 1024,
    separate: (input, outDir, onProgress) =>
      separateToDir(input, outDir, repoPath('engine', 'model', 'fixtures', 'tiny'), 'cpu', (f) => {
        progress.push(f);
        onProgress(f);
      }),
    onChange: () => undefined,
  });
  const job = await jobs.upload('my song.wav', Readable.from(readFileSync(song)));
  await jobs.idle();
  const done = jobs.list().find((j) => j.id === job.id);
  assert.equal(done?.state, 'done', JSON.stringify(done));
  for (const stem of ['instrument', 'rest']) {
    const path = jobs.stemPath(job.id, stem);
    assert.ok(path, `${stem} stem is served`);
    const s = await readAudio(path as string);
    assert.equal(s.sampleRate, rate);
    assert.equal(s.channels[0].length, n);
  }
  assert.ok(progress.length > 0 && progress[progress.length - 1] > 0.9, 'progress reached the end');
});
