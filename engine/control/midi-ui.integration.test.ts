/**
 * End to end, MIDI page: `stemstream live` run in-process (demo input, null output, the small
 * fixture model) with a FakeMidiSystem as its MIDI binding, driven through the built UI in
 * Debian's Chromium. Learn from the UI, a "pedal" press that then mutes the engine, the monitor,
 * delete, and loading a shipped map. STEMSTREAM_SCREENSHOTS=1 also writes docs/screenshots/midi-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runLive } from '../cli/commands/live.js';
import type { LiveReport } from '../live/index.js';
import { FakeMidiSystem } from '../midi/fake-midi-binding.js';
import { repoPath } from '../paths.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const UI_BUILT = existsSync(repoPath('ui', 'dist', 'index.html'));
const missing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !UI_BUILT ? 'ui/dist is not built (npm run build)' : null;
if (missing && process.env.CI) throw new Error(`MIDI UI e2e test cannot run: ${missing}`);
const skip = missing ? `skipped: ${missing}` : false;

const PEDAL = 'FootCtrl MIDI 1';
const sys = new FakeMidiSystem();
sys.inputPorts = [PEDAL];
let port = 0;
let live: Promise<LiveReport> | null = null;
let browser: Browser | null = null;
const logs: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

async function openUi(width: number, height: number): Promise<Page> {
  const ctx = await (browser as Browser).newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/#midi`);
  await page.getByTestId('link').getByText('Connected').waitFor({ timeout: 15_000 });
  return page;
}

before(async () => {
  if (skip) return;
  process.env.STEMSTREAM_PRESETS = mkdtempSync(join(tmpdir(), 'ss-midi-e2e-presets-'));
  port = await freePort();
  live = runLive(
    {
      input: 'demo', output: 'null', rate: 48000, buffer: 256, outputChannels: 2, model: repoPath('engine', 'model', 'fixtures', 'small'), device: 'cpu',
      threads: 1, latency: 250, hopInterval: 2, lookahead: 1, port, midiBinding: sys,
    },
    (l) => void logs.push(l),
  );
  const end = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > end) throw new Error(`engine did not start:\n${logs.join('\n')}`);
    await sleep(200);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  // runLive stops on SIGTERM; emitting the event runs its handler without signalling the process.
  if (live) {
    const t0 = Date.now();
    process.emit('SIGTERM', 'SIGTERM');
    await live;
    console.log(`# engine stopped in ${Date.now() - t0} ms`);
  }
});

test('MIDI page: status and ports, learn from the UI, the pedal then drives the engine, monitor, delete, shipped maps', { skip, timeout: 150_000 }, async () => {
  const page = await openUi(1280, 800);
  await page.getByTestId('midi-status').getByText(/Available/).waitFor();
  await page.getByTestId('midi-port').filter({ hasText: PEDAL }).getByText('open').waitFor();
  // live starts with the shipped foot-controller map
  const rows = page.getByTestId('mapping-row');
  assert.equal(await rows.count(), 4);

  await page.getByTestId('learn-action').selectOption({ label: 'Rest mute' });
  await page.getByTestId('learn-feedback').check();
  await page.getByTestId('learn-start').click();
  await page.getByTestId('learn-state').getByText('Move a control on your controller…').waitFor();
  assert.equal(sys.press(PEDAL, [0xb2, 30, 127]), 1);
  await page.getByTestId('learn-state').getByText('Bound: CC 30 · ch 3').waitFor();
  await page.getByTestId('mapping-row').nth(4).getByText('Rest mute').waitFor();
  await page.getByTestId('midi-monitor').getByText('cc 30').first().waitFor();

  // The learned pedal mutes the rest stem; the mixer page shows it.
  sys.press(PEDAL, [0xb2, 30, 0]);
  sys.press(PEDAL, [0xb2, 30, 127]);
  await page.evaluate("location.hash = '#mixer'");
  await page.getByTestId('mute-rest').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 10_000 });
  // A press of a shipped switch (CC 82: bypass) works too.
  sys.press(PEDAL, [0xb0, 82, 127]);
  await page.getByTestId('bypass').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 10_000 });
  sys.press(PEDAL, [0xb0, 82, 0]);
  sys.press(PEDAL, [0xb0, 82, 127]);
  await page.getByTestId('bypass').and(page.locator('[aria-pressed="false"]')).waitFor({ timeout: 10_000 });
  await page.evaluate("location.hash = '#midi'");

  if (process.env.STEMSTREAM_SCREENSHOTS) await screenshots(page);

  // Delete the first mapping (CC 80); then the sustain-pedal map replaces them all.
  await page.getByTestId('mapping-delete-0').click();
  await rowsUntil(page, 4);
  assert.doesNotMatch(await page.getByTestId('mapping-row').first().innerText(), /CC 80/);
  await page.getByTestId('midi-load-sustain-pedal').click();
  await rowsUntil(page, 1);
  assert.match(await rows.first().innerText(), /CC 64/);

  // A learn with nothing moved can be cancelled.
  await page.getByTestId('learn-start').click();
  await page.getByTestId('learn-cancel').click();
  await page.getByTestId('learn-start').waitFor();
});

/** The page's CSP forbids waitForFunction's eval: poll the row count from here. */
async function rowsUntil(page: Page, n: number, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await page.getByTestId('mapping-row').count()) !== n) {
    if (Date.now() > end) assert.fail(`${await page.getByTestId('mapping-row').count()} mapping rows, expected ${n}`);
    await sleep(50);
  }
}

/** docs/screenshots/midi-{desktop,phone}-{dark,light}.png */
async function screenshots(desktop: Page): Promise<void> {
  const dir = repoPath('docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const phone = await openUi(390, 844);
  // A few messages in the monitor, as a controller being tried out would send.
  for (const v of [0, 20, 45, 80, 101]) sys.press(PEDAL, [0xb0, 7, v]);
  sys.press(PEDAL, [0x99, 36, 100]);
  await sleep(300);
  for (const theme of ['dark', 'light'] as const) {
    for (const [page, name] of [[desktop, 'desktop'], [phone, 'phone']] as const) {
      if ((await page.evaluate('document.documentElement.dataset.theme')) !== theme) await page.getByTestId('theme').click();
      await sleep(300);
      await page.screenshot({ path: join(dir, `midi-${name}-${theme}.png`) });
    }
  }
  await phone.context().close();
}
