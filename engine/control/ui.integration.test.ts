/**
 * End to end: the real engine (`stemstream live`, demo input, null output, the small fixture
 * model) as a child process, driven through the built UI in Debian's Chromium (playwright-core).
 * Screenshots for docs/ are made by ui-screenshots.ts (`npm run screenshots`).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { filePeaks } from '../audio-file/index.js';
import { repoPath } from '../paths.js';
import { decodeFrame } from './binary-frames.js';
import { freePort, launchChromium, openUi as open, sleep, uiTestSkip } from './ui-e2e.js';

const skip = uiTestSkip('UI e2e tests');

/** The clip `--input demo` plays (engine/cli/commands/live.ts). */
const DEMO_CLIP = repoPath('engine', 'live', 'assets', 'demo-song.flac');
const presetsDir = mkdtempSync(join(tmpdir(), 'ss-e2e-presets-'));
let port = 0;
let engine: ChildProcess | null = null;
let browser: Browser | null = null;

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
  send(msg: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
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

const dB = (x: number) => 20 * Math.log10(Math.max(x, 1e-9));
// Meter layout (mixer-params.ts): strip*4 + kind*2 + channel; RMS left.
const PEAK_REST_L = 4;
const RMS_REST_L = 6;

const openUi = (width = 1280, height = 800): Promise<Page> => open(browser as Browser, port, { width, height });

before(async () => {
  if (skip) return;
  port = await freePort();
  await startEngine();
  browser = await launchChromium();
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

  await a.context().close();
  await b.context().close();
});

/** The (x, y) points of an SVG path made of M/L commands (the waveform's outline). */
function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) (ab += (a[i] - ma) * (b[i] - mb)), (aa += (a[i] - ma) ** 2), (bb += (b[i] - mb) ** 2);
  return ab / Math.sqrt(aa * bb);
}

test('the transport draws the file\'s waveform across the whole width before playback reaches it; click seeks, L loops, B drags', { skip, timeout: 120_000 }, async () => {
  const probe = new Probe();
  await probe.until('transport.available', true, 20_000);
  // Paused at the start: playback has covered nothing of the file.
  probe.send({ type: 'action', action: { type: 'transport.play', playing: false } });
  probe.send({ type: 'action', action: { type: 'transport.seek', seconds: 0 } });
  await probe.until('transport.playing', false);
  await sleep(700);
  const page = await openUi();
  const svg = page.getByTestId('waveform');
  await svg.waitFor({ timeout: 10_000 });
  const bins = Number(await svg.getAttribute('data-bins'));
  const viewW = Number((await svg.getAttribute('viewBox'))?.split(' ')[2]);
  const d = (await page.locator('[data-testid=waveform] path.ahead').getAttribute('d')) ?? '';
  const pts = pathPoints(d);
  const top = pts.slice(1, bins + 1);
  const bottom = pts.slice(bins + 3, 2 * bins + 3).reverse();
  const dur = probe.get('transport.durationS') as number;
  console.log(`# waveform: ${bins} bins over ${viewW.toFixed(2)} s (transport ${dur.toFixed(2)} s), drawn at position ${(probe.get('transport.positionS') as number).toFixed(2)} s`);
  assert.ok(bins >= 1000, `${bins} bins`);
  assert.equal(top.length, bins);
  assert.equal(bottom.length, bins);
  assert.ok(Math.abs(viewW - dur) < 0.05, `waveform ${viewW} s, file ${dur} s`);
  assert.ok(top[0][0] < viewW * 0.001 && top[bins - 1][0] > viewW * 0.999, 'the outline spans the whole width');
  // Sound in every tenth of the song (the demo has no silent stretch), not only where it played.
  for (let k = 0; k < 10; k++) {
    const from = Math.floor((k * bins) / 10);
    const part = top.slice(from, Math.floor(((k + 1) * bins) / 10)).map(([, y], i) => bottom[from + i][1] - y);
    assert.ok(Math.max(...part) > 30, `tenth ${k}: the outline is at most ${Math.max(...part).toFixed(1)} of 100 high`);
  }
  // The outline is the file's own peaks (same bins), not anything the mixer played.
  const file = await filePeaks(DEMO_CLIP, 1600);
  assert.equal(file.max.length, bins);
  const r = correlation(top.map(([, y]) => -y), Array.from(file.max));
  console.log(`# waveform upper edge vs the file's peaks: r = ${r.toFixed(4)}`);
  assert.ok(r > 0.99, `correlation ${r}`);

  // A click three quarters along the overview seeks there (the transport is paused, so it stays).
  const box = (await page.getByTestId('timeline').boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
  const end = Date.now() + 5000;
  while (Math.abs((probe.get('transport.positionS') as number) - 0.75 * dur) > 0.3 && Date.now() < end) await sleep(50);
  assert.ok(Math.abs((probe.get('transport.positionS') as number) - 0.75 * dur) <= 0.3, `position ${probe.get('transport.positionS')} after a click at ${0.75 * dur}`);
  // L toggles the loop; the region is drawn.
  const loopWas = probe.get('transport.loop.on');
  await page.keyboard.press('l');
  await probe.until('transport.loop.on', !loopWas);
  await page.getByTestId('loop-region').waitFor();
  // Dragging the B handle to the middle ends the loop there.
  const handle = (await page.getByRole('slider', { name: 'Loop end' }).boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const endS = () => probe.get('transport.loop.endS') as number;
  for (const t = Date.now() + 5000; Math.abs(endS() - 0.5 * dur) > 0.3 && Date.now() < t; ) await sleep(50);
  assert.ok(Math.abs(endS() - 0.5 * dur) <= 0.3, `loop end ${endS()} after dragging B to ${0.5 * dur}`);
  assert.match(await page.getByTestId('loop-range').innerText(), /0:00\.0–0:15\.0/);
  probe.send({ type: 'action', action: { type: 'transport.play', playing: true } });
  await probe.until('transport.playing', true);
  probe.close();
  await page.context().close();
});
