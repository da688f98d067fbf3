import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number | null): void;
  stop(): void;
}

/** A progress bar on stderr (only used on a TTY); unknown totals show a frame count. */
export function createProgress(label: string): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} frames | eta {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      const t = total ?? Math.max(done, 1);
      if (!started) {
        bar.start(t, 0);
        started = true;
      }
      bar.setTotal(Math.max(t, done));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
