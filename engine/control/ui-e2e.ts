/**
 * What the browser tests of the control surface (`*.integration.test.ts` here) and the screenshot
 * script share: whether they can run, a free port, the engine's health, Debian's Chromium through
 * playwright-core, and opening the UI until it is connected.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoPath } from '../paths.js';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium that reaches nothing but the engine. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * `false` when Chromium and the built UI are here, else the reason to skip (node:test's `skip`).
 * With `CI` set a missing part throws instead: CI must run these tests.
 */
export function uiTestSkip(what: string): string | false {
  const missing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !existsSync(repoPath('ui', 'dist', 'index.html')) ? 'ui/dist is not built (npm run build)' : null;
  if (missing && process.env.CI) throw new Error(`${what} cannot run: ${missing}`);
  return missing ? `skipped: ${missing}` : false;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

/** Waits until the engine's control server answers `/api/health`; `why()` explains a timeout. */
export async function waitForHealth(port: number, timeoutMs = 60_000, why: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > end) throw new Error(`engine did not start in ${timeoutMs / 1000} s:\n${why()}`);
    await sleep(200);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A new browser context at this viewport, on the UI (page `hash`), once it says Connected. */
export async function openUi(browser: Browser, port: number, opts: { width?: number; height?: number; hash?: string } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 } });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/${opts.hash ? `#${opts.hash}` : ''}`);
  await page.getByTestId('link').getByText('Connected').waitFor({ timeout: 15_000 });
  return page;
}

/** Switches the page to a theme with its own toggle (as a user would). */
export async function setTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  if ((await page.evaluate('document.documentElement.dataset.theme')) !== theme) await page.getByTestId('theme').click();
}

/**
 * Polls `check` until it returns true (the page's CSP forbids waitForFunction's eval, so polling
 * happens from here); fails with `describe()` after `timeoutMs`.
 */
export async function until(check: () => Promise<boolean>, describe: () => Promise<string> | string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(await describe());
    await sleep(50);
  }
}
