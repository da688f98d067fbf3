/** Worker thread of `synthDataset`: receives song indices, renders and writes them, replies. */
import { parentPort, workerData } from 'node:worker_threads';
import { isStemstreamError } from '../../engine/errors.js';
import { renderTrack } from './synth-dataset.js';

type Job = Parameters<typeof renderTrack>[0];

const job = workerData as Job;
parentPort?.on('message', (index: number) => {
  renderTrack(job, index).then(
    (audioSec) => parentPort?.postMessage({ index, audioSec }),
    (e: unknown) => parentPort?.postMessage({ index, error: e instanceof Error ? e.message : String(e), code: isStemstreamError(e) ? e.code : 'SS_ERR_INTERNAL' }),
  );
});
