/**
 * Test helper (not a test file): a private JACK2 server with the dummy driver (no sound card,
 * no kernel sound support), for integration tests. It has its own name ('stemstream-test'), so
 * tests run beside another JACK user on the same machine; clients find it through
 * JACK_DEFAULT_SERVER, which `start()` sets in this process's environment (workers share it).
 *
 * The name is fixed on purpose: JACK's shared registry holds at most 8 servers and only reclaims
 * the entry of a killed server when a server of the *same name* starts again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface JackServerOptions {
  sampleRate?: number;
  periodFrames?: number;
  /** Server name; default unique per process. */
  name?: string;
  /** Run jackd with SCHED_FIFO: 'auto' (default) when `chrt -f` works here; STEMSTREAM_JACK_REALTIME=0 turns it off. */
  realtime?: boolean | 'auto';
}

/**
 * Whether test servers run real-time by default: this process may create SCHED_FIFO threads
 * (what jackd -R and its clients need), unless STEMSTREAM_JACK_REALTIME=0.
 */
export function canUseRealtime(): boolean {
  if (process.env.STEMSTREAM_JACK_REALTIME === '0') return false;
  return hasCommand('chrt') && spawnSync('chrt', ['-f', '10', 'true']).status === 0;
}

/** Whether an executable is on PATH. */
export function hasCommand(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, cmd)));
}

export class JackServer {
  readonly name: string;
  readonly sampleRate: number;
  readonly periodFrames: number;
  readonly realtime: boolean;
  private proc: ChildProcess | null = null;
  private log = '';

  constructor(options: JackServerOptions = {}) {
    this.name = options.name ?? 'stemstream-test';
    this.sampleRate = options.sampleRate ?? 48000;
    this.periodFrames = options.periodFrames ?? 256;
    const rt = options.realtime ?? 'auto';
    this.realtime = rt === 'auto' ? canUseRealtime() : rt;
  }

  /** Environment for JACK clients and tools: this server, never autostart another one. */
  env(): NodeJS.ProcessEnv {
    return { ...process.env, JACK_DEFAULT_SERVER: this.name, JACK_NO_START_SERVER: '1', JACK_NO_AUDIO_RESERVATION: '1' };
  }

  /** Start jackd and wait until it answers (up to `timeoutMs`). */
  async start(timeoutMs = 10000): Promise<void> {
    Object.assign(process.env, { JACK_DEFAULT_SERVER: this.name, JACK_NO_START_SERVER: '1', JACK_NO_AUDIO_RESERVATION: '1' });
    this.clearStale();
    this.log = '';
    // Real-time scheduling when this process may have it (root, or an rtprio limit): without it,
    // a client thread that the OS delays past one period makes JACK2 skip that client for the
    // cycle ("client was not finished"), which drops or repeats a block between clients that no
    // client can see. Containers without CAP_SYS_NICE fall back to --no-realtime.
    const rt = this.realtime ? ['-R', '-P', '70'] : ['--no-realtime'];
    const proc = spawn('jackd', ['-n', this.name, ...rt, '-d', 'dummy', '-r', String(this.sampleRate), '-p', String(this.periodFrames), '-C', '2', '-P', '2'], {
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`jackd exited (${proc.exitCode}):\n${this.log}`);
      if (this.run('jack_lsp', []).status === 0) return;
      await sleep(50);
    }
    await this.stop();
    throw new Error(`jackd did not answer within ${timeoutMs} ms:\n${this.log}`);
  }

  /**
   * A crashed jackd leaves files in /dev/shm that make the next start fail: remove ours, and when
   * no jackd runs at all, the shared registry and segments too (nobody can be using them).
   */
  private clearStale(): void {
    // A server of our name left by an interrupted run would make this start fail: it is ours to end.
    const ours = ['-f', `^jackd -n ${this.name} `];
    spawnSync('pkill', ['-KILL', ...ours]);
    // SIGKILL is not instant: a server still dying would make ours fail with "already active"
    for (let i = 0; i < 40 && spawnSync('pgrep', ours).status === 0; i++) spawnSync('sleep', ['0.05']);
    if (!existsSync('/dev/shm')) return;
    const noJackd = spawnSync('pgrep', ['-x', 'jackd']).status === 1;
    for (const f of readdirSync('/dev/shm')) {
      if (f.startsWith('jack') && (noJackd || f.includes(this.name))) rmSync(join('/dev/shm', f), { recursive: true, force: true });
    }
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Stop jackd (SIGTERM, then SIGKILL after 3 s). Safe to call twice. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.clearStale();
  }

  /** Run a jack_* tool against this server. */
  run(tool: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(tool, args, { env: this.env(), encoding: 'utf8', timeout: 5000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Port names (jack_lsp). */
  ports(): string[] {
    return this.run('jack_lsp', []).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  connect(from: string, to: string): void {
    const r = this.run('jack_connect', [from, to]);
    if (r.status !== 0) throw new Error(`jack_connect ${from} ${to} failed: ${r.stderr}`);
  }

  get output(): string {
    return this.log;
  }
}
