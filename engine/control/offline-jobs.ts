import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { StemstreamError, describeError } from '../errors.js';
import type { OfflineJob } from './messages.js';

/** Separates `input` into `<outDir>/instrument.wav` and `rest.wav`; reports progress 0..1. */
export type SeparateFn = (input: string, outDir: string, onProgress: (fraction: number) => void) => Promise<void>;

export interface OfflineJobsOptions {
  /** The only folder the offline page reads and writes (uploads and stems). */
  dir: string;
  /** Largest upload accepted, in bytes. */
  maxUploadBytes: number;
  separate: SeparateFn;
  /** Called when a job starts, progresses (≥ 1 % steps) or ends. */
  onChange?: (jobs: OfflineJob[]) => void;
  /** Jobs kept (oldest are forgotten and their files deleted). */
  maxJobs?: number;
}

const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.aif', '.aiff']);
export const OFFLINE_STEMS = ['instrument', 'rest'] as const;

/**
 * The offline page's work: an upload becomes a job folder `<dir>/<id>/` holding the input and,
 * once separated, the stems. Jobs run one at a time. File names from clients are never used as
 * paths: the job id is random hex and the stems have fixed names.
 */
export class OfflineJobs {
  private readonly jobs: OfflineJob[] = [];
  private chain: Promise<void> = Promise.resolve();
  readonly dir: string;

  constructor(private readonly options: OfflineJobsOptions) {
    if (!(options.maxUploadBytes > 0)) throw new TypeError('maxUploadBytes must be positive');
    this.dir = resolve(options.dir);
  }

  list(): OfflineJob[] {
    return this.jobs.map((j) => ({ ...j, stems: [...j.stems] }));
  }

  /**
   * Streams an upload to disk (stopping at the size limit) and queues its separation.
   * `declaredBytes` (Content-Length) is checked first, so an oversized upload is refused unread.
   */
  async upload(fileName: string, body: Readable, declaredBytes?: number): Promise<OfflineJob> {
    const max = this.options.maxUploadBytes;
    if (declaredBytes !== undefined && declaredBytes > max) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `upload of ${declaredBytes} bytes exceeds the ${max}-byte limit`, { details: { status: 413 } });
    }
    const ext = extname(fileName).toLowerCase();
    if (!AUDIO_EXTENSIONS.has(ext)) {
      throw new StemstreamError('SS_ERR_UNSUPPORTED_AUDIO', `"${fileName.slice(0, 80)}" is not an audio file stemstream reads (${[...AUDIO_EXTENSIONS].join(' ')})`, { details: { status: 415 } });
    }
    const id = randomBytes(8).toString('hex');
    const jobDir = join(this.dir, id);
    mkdirSync(jobDir, { recursive: true });
    const input = join(jobDir, `input${ext}`);
    try {
      await new Promise<void>((ok, fail) => {
        let bytes = 0;
        const out = createWriteStream(input);
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > max) {
            body.destroy();
            out.destroy();
            fail(new StemstreamError('SS_ERR_BAD_OPTION', `upload exceeds the ${max}-byte limit`, { details: { status: 413 } }));
          }
        });
        body.on('error', fail);
        out.on('error', fail);
        out.on('finish', ok);
        body.pipe(out);
      });
    } catch (e) {
      rmSync(jobDir, { recursive: true, force: true });
      throw e;
    }
    const job: OfflineJob = { id, file: fileName.slice(0, 200), state: 'queued', progress: 0, stems: [] };
    this.jobs.push(job);
    this.forgetOld();
    this.changed();
    this.chain = this.chain.then(() => this.run(job, input, jobDir));
    return { ...job };
  }

  /** Waits for every queued job (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Absolute path of a finished stem, or null: only ids and stem names this object made. */
  stemPath(id: string, stem: string): string | null {
    const job = this.jobs.find((j) => j.id === id);
    if (!job || !job.stems.includes(stem)) return null;
    const path = join(this.dir, id, `${stem}.wav`);
    return path.startsWith(this.dir + sep) && existsSync(path) ? path : null;
  }

  private async run(job: OfflineJob, input: string, jobDir: string): Promise<void> {
    job.state = 'running';
    this.changed();
    let shown = 0;
    try {
      await this.options.separate(input, jobDir, (f) => {
        job.progress = Math.min(1, Math.max(0, f));
        if (job.progress - shown >= 0.01) {
          shown = job.progress;
          this.changed();
        }
      });
      job.stems = OFFLINE_STEMS.filter((s) => existsSync(join(jobDir, `${s}.wav`)));
      job.state = 'done';
      job.progress = 1;
    } catch (e) {
      job.state = 'failed';
      job.message = describeError(e);
    }
    rmSync(input, { force: true });
    this.changed();
  }

  private forgetOld(): void {
    const max = this.options.maxJobs ?? 20;
    while (this.jobs.length > max) {
      const old = this.jobs.findIndex((j) => j.state === 'done' || j.state === 'failed');
      if (old < 0) break;
      const [gone] = this.jobs.splice(old, 1);
      rmSync(join(this.dir, gone.id), { recursive: true, force: true });
    }
  }

  private changed(): void {
    this.options.onChange?.(this.list());
  }
}
