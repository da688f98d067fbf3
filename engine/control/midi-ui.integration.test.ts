/**
 * End to end, MIDI page: `stemstream live` run in-process (demo input, null output, the small
 * fixture model) with a FakeMidiSystem as its MIDI binding, driven through the built UI in
 * Debian's Chromium. Learn from the UI, a "pedal" press that then mutes the engine, the monitor,
 * delete, and loading a shipped map. Screenshots for docs/ are made by ui-screenshots.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runLive } from '../cli/commands/live.js';
import type { LiveReport } from '../live/index.js';
import { FakeMidiSystem } from '../midi/fake-midi-binding.js';
import { repoPath } from '../paths.js';
import { freePort, launchChromium, openUi, until, uiTestSkip, waitForHealth } from './ui-e2e.js';

const skip = uiTestSkip('MIDI UI e2e test');

const PEDAL = 'FootCtrl MIDI 1';
const sys = new FakeMidiSystem();
sys.inputPorts = [PEDAL];
let port = 0;
let live: Promise<LiveReport> | null = null;
let browser: Browser | null = null;
const logs: string[] = [];

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
  await waitForHealth(port, 60_000, () => logs.join('\n'));
  browser = await launchChromium();
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
  const page = await openUi(browser as Browser, port, { hash: 'midi' });
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

async function rowsUntil(page: Page, n: number): Promise<void> {
  const rows = page.getByTestId('mapping-row');
  await until(async () => (await rows.count()) === n, async () => `${await rows.count()} mapping rows, expected ${n}`);
}
