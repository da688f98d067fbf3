/**
 * End to end: the real engine (`stemstream live`, demo input, null output, the small fixture
 * model) as a child process, driven through the built UI in Debian's Chromium (playwright-core).
 * Set STEMSTREAM_SCREENSHOTS=1 to also write docs/screenshots/*.png.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { repoPath } from '../paths.js';
import { decodeFrame } from './binary-frames.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const UI_BUILT = existsSync(repoPath('ui', 'dist', 'index.html'));
const missing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !UI_BUILT ? 'ui/dist is not built (npm run build)' : null;
if (missing && process.env.CI) throw new Error(`UI e2e tests cannot run: ${missing}`);
const skip = missing ? `skipped: ${missing}` : false;

const presetsDir = mkdtempSync(join(tmpdir(), 'ss-e2e-presets-'));
let port = 0;
let engine: ChildProcess | null = null;
let browser: Browser | null = null;

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

/** `stemstream live …` from dist (npm test) or from the TypeScript sources (tsx). */
function cliCommand(args: string[]): string[] {
  if (fileURLToPath(import.meta.url).endsWith('.ts')) {
    const main = repoPath('engine', 'cli', 'main.ts');
    return ['--import', 'tsx', '--input-type=module', '-e', `import { main } from ${JSON.stringify(main)}; process.exitCode = await main(process.argv.slice(1));`, ...args];
  }
  return [repoPath('engine', 'bin', 'stemstream.js'), ...args];
}

async function startEngine(extra: string[] = []): Promise<void> {
  const args = ['live', '--input', 'demo', '--output', 'null', '--model', repoPath('engine', 'model', 'fixtures', 'small'), '--port', String(port), '--threads', '1', '--hop-interval', '2', '--latency', '250', ...extra];
  const child = spawn(process.execPath, cliCommand(args), { cwd: repoPath(), env: { ...process.env, STEMSTREAM_PRESETS: presetsDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  engine = child;
  let err = '';
  child.stderr?.on('data', (d) => (err += String(d)));
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`engine did not start in 60 s:\n${err}`)), 60_000);
    child.stdout?.on('data', (d) => {
      if (/listening on/.test(String(d))) {
        clearTimeout(t);
        ok();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      fail(new Error(`engine exited (${code}):\n${err}`));
    });
  });
}

async function stopEngine(): Promise<void> {
  const child = engine;
  engine = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((ok) => setTimeout(ok, 8000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** A protocol-level observer: the engine's state and meters, independent of the UI. */
class Probe {
  readonly ws: WebSocket;
  state: Record<string, unknown> | null = null;
  private meters: Float32Array[] = [];
  constructor() {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    this.ws.on('message', (d, binary) => {
      if (binary) {
        const f = decodeFrame(new Uint8Array(d as Buffer));
        if (f?.kind === 'meters') this.meters.push(f.meters);
        return;
      }
      const m = JSON.parse(String(d)) as { type: string; state?: Record<string, unknown>; changes?: Record<string, unknown> };
      if (m.type === 'snapshot') this.state = m.state ?? null;
      if (m.type === 'delta' && this.state) for (const [k, v] of Object.entries(m.changes ?? {})) setPath(this.state, k, v);
    });
  }
  get(path: string): unknown {
    return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], this.state);
  }
  async until(path: string, value: unknown, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (JSON.stringify(this.get(path)) === JSON.stringify(value)) return;
      await sleep(50);
    }
    assert.fail(`engine state ${path} is ${JSON.stringify(this.get(path))}, expected ${JSON.stringify(value)}`);
  }
  /**
   * Mean RMS (linear) of meter indices over the next `ms`, and the level of the first relative
   * to the second in dB, frame by frame (so the music's own level changes cancel).
   */
  async meanRms(indices: number[], ms = 1500): Promise<{ rms: number[]; relDb: number }> {
    this.meters = [];
    await sleep(ms);
    const frames = this.meters;
    assert.ok(frames.length >= (ms / 1000) * 20 * 0.8, `only ${frames.length} meter frames in ${ms} ms`);
    const rms = indices.map((i) => frames.reduce((s, m) => s + m[i], 0) / frames.length);
    const rel = indices.length > 1 ? frames.reduce((s, m) => s + dB(m[indices[0]]) - dB(m[indices[1]]), 0) / frames.length : 0;
    return { rms, relDb: rel };
  }
  close(): void {
    this.ws.close();
  }
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dB = (x: number) => 20 * Math.log10(Math.max(x, 1e-9));
// Meter layout (mixer-params.ts): strip*4 + kind*2 + channel; RMS left.
const PEAK_REST_L = 4;
const RMS_REST_L = 6;

async function openUi(width = 1280, height = 800): Promise<Page> {
  const ctx = await (browser as Browser).newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByTestId('link').getByText('Connected').waitFor({ timeout: 15_000 });
  return page;
}

before(async () => {
  if (skip) return;
  port = await freePort();
  await startEngine();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await stopEngine();
});

test('UI drives the real engine: fader, mute, second browser, preset across a restart, bad message', { skip, timeout: 180_000 }, async () => {
  const probe = new Probe();
  const a = await openUi();
  const b = await openUi(390, 844);
  await probe.until('mixer.stems.rest.gainDb', 0);

  // Fader → engine gain → measured output level.
  const before = (await probe.meanRms([RMS_REST_L])).rms[0];
  assert.ok(before > 1e-3, `rest stem is playing (${dB(before).toFixed(1)} dBFS)`);
  await a.getByTestId('fader-rest').fill('-20');
  await probe.until('mixer.stems.rest.gainDb', -20);
  // The RMS meter is an exponential mean square (300 ms time constant): falling 20 dB takes
  // about 6 time constants to settle within 1 dB.
  await sleep(2500);
  const afterFader = (await probe.meanRms([RMS_REST_L])).rms[0];
  const drop = dB(before) - dB(afterFader);
  console.log(`# fader −20 dB: rest stem RMS ${dB(before).toFixed(1)} → ${dB(afterFader).toFixed(1)} dBFS (${drop.toFixed(1)} dB lower)`);
  assert.ok(drop > 16 && drop < 24, `rest level dropped ${drop.toFixed(1)} dB for a −20 dB fader move`);

  // Mute in the UI silences that stem in the engine's output. The stem's samples are exactly
  // zero after the 15 ms ramp; the peak meter then falls 8.7 dB per 300 ms release constant.
  const peakBefore = (await probe.meanRms([PEAK_REST_L], 500)).rms[0];
  await a.getByTestId('mute-rest').click();
  await probe.until('mixer.stems.rest.mute', true);
  await sleep(2500);
  const muted = (await probe.meanRms([PEAK_REST_L], 500)).rms[0];
  console.log(`# mute: rest stem peak ${dB(peakBefore).toFixed(1)} → ${dB(muted).toFixed(1)} dBFS`);
  assert.ok(dB(muted) < -80 && dB(peakBefore) - dB(muted) > 50, `muted rest peak reads ${dB(muted).toFixed(1)} dBFS`);

  // The second browser (phone width) sees both changes.
  await b.getByTestId('mute-rest').and(b.locator('[aria-pressed="true"]')).waitFor({ timeout: 5000 });
  assert.equal(await b.getByTestId('fader-rest').inputValue(), '-20');
  assert.match(await b.getByTestId('db-rest').innerText(), /−20\.0/);

  // Save a preset in the UI; it is listed in both browsers.
  await a.getByTestId('preset-name').fill('e2e-practice');
  await a.getByTestId('preset-save').click();
  await b.getByTestId('preset-e2e-practice').waitFor({ timeout: 5000 });
  probe.close();

  // Restart the engine with that preset: the pages reconnect by themselves and show it.
  await stopEngine();
  await a.getByTestId('link').getByText(/Reconnecting|Connecting/).waitFor({ timeout: 10_000 });
  await startEngine(['--preset', 'e2e-practice']);
  await a.getByTestId('link').getByText('Connected').waitFor({ timeout: 20_000 });
  const probe2 = new Probe();
  await probe2.until('preset', 'e2e-practice');
  assert.equal(probe2.get('mixer.stems.rest.gainDb'), -20);
  assert.equal(probe2.get('mixer.stems.rest.mute'), true);
  await a.getByTestId('mute-rest').and(a.locator('[aria-pressed="true"]')).waitFor({ timeout: 5000 });
  assert.equal(await a.getByTestId('fader-rest').inputValue(), '-20');
  probe2.close();

  // A bad message from the browser gets an error reply and the engine keeps going.
  const reply = await a.evaluate(
    (url) =>
      new Promise<{ type: string; code: string; reason: string; message: string }>((ok) => {
        const ws = new WebSocket(url);
        ws.onmessage = (ev) => {
          if (typeof ev.data !== 'string') return;
          const m = JSON.parse(ev.data) as { type: string; code: string; reason: string; message: string };
          if (m.type === 'snapshot') ws.send('{"type":"action","action":{"type":"stem.gain","stem":"drums","gainDb":"loud"}}');
          if (m.type === 'error') ok(m);
        };
      }),
    `ws://127.0.0.1:${port}/ws`,
  );
  assert.deepEqual({ ...reply, message: undefined }, { type: 'error', code: 'SS_ERR_BAD_MESSAGE', reason: 'invalid', message: undefined });
  assert.match(reply.message, /stem/);
  await a.getByTestId('link').getByText('Connected').waitFor();

  if (process.env.STEMSTREAM_SCREENSHOTS) await screenshots(a, b);
});

/** docs/screenshots: desktop and phone, dark and light, the main views. */
async function screenshots(desktop: Page, phone: Page): Promise<void> {
  const dir = repoPath('docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  // A realistic state: the play-along preset, one full pass of the song so the overview is drawn.
  await desktop.getByTestId('preset-play-along').click();
  await sleep(32_000);
  for (const theme of ['dark', 'light'] as const) {
    for (const [page, name] of [[desktop, 'desktop'], [phone, 'phone']] as const) {
      if ((await page.evaluate('document.documentElement.dataset.theme')) !== theme) await page.getByTestId('theme').click();
      await page.evaluate("location.hash = '#mixer'");
      await sleep(1500);
      await page.screenshot({ path: join(dir, `live-${name}-${theme}.png`) });
      await page.evaluate("location.hash = '#offline'");
      await sleep(400);
      await page.screenshot({ path: join(dir, `files-${name}-${theme}.png`) });
      await page.evaluate("location.hash = '#midi'");
      await sleep(300);
      await page.screenshot({ path: join(dir, `midi-${name}-${theme}.png`) });
      await page.evaluate("location.hash = '#mixer'");
    }
  }
}
