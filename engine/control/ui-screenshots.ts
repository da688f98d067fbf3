/**
 * `npm run screenshots`: docs/screenshots/{live,files,midi}-{desktop,phone}-{dark,light}.png.
 * Runs the real engine as a user would start it (`stemstream live`, the demo clip, the null
 * output, the shipped guitar model) with a simulated foot controller on the MIDI side, puts it in
 * a practice state (the play-along preset, a loop, one separated file, a few MIDI messages) and
 * photographs every page in Debian's Chromium at 1280×800 and 390×844 in both themes.
 *
 *   npm run build:ui && node --import tsx engine/control/ui-screenshots.ts [--model NAME] [--latency MS] [--out DIR]
 *
 * The latency defaults to the UI's "Quality" setting (350 ms): on a busy two-core machine the
 * model's inference does not fit the smaller settings, and a picture of a separator that misses
 * every deadline shows nothing separated.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { runLive } from '../cli/commands/live.js';
import { FakeMidiSystem } from '../midi/fake-midi-binding.js';
import { repoPath } from '../paths.js';
import { freePort, launchChromium, openUi, setTheme, sleep, uiTestSkip, waitForHealth } from './ui-e2e.js';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'guitar' }, latency: { type: 'string', default: '350' }, out: { type: 'string', default: repoPath('docs', 'screenshots') } } });
const skip = uiTestSkip('screenshots');
if (skip) {
  console.error(`stemstream screenshots: ${skip}`);
  process.exit(1);
}
const out = values.out as string;
mkdirSync(out, { recursive: true });
// The shipped presets only; user presets of this machine stay out of the pictures.
process.env.STEMSTREAM_PRESETS = mkdtempSync(join(tmpdir(), 'ss-shots-presets-'));

const PEDAL = 'FCB1010 MIDI 1';
// A foot controller stands in for the hardware this machine lacks; it reports itself as the
// native binding so the page reads as it would with the real one.
const midi = new FakeMidiSystem();
midi.inputPorts = [PEDAL];
Object.defineProperty(midi, 'source', { value: '@julusian/midi' });
const port = await freePort();
const logs: string[] = [];
const live = runLive(
  {
    input: 'demo', output: 'null', rate: 48000, buffer: 256, outputChannels: 2, model: values.model as string, device: 'cpu',
    latency: Number(values.latency), hopInterval: 'auto', lookahead: 1, port, midiBinding: midi, files: mkdtempSync(join(tmpdir(), 'ss-shots-files-')),
  },
  (l) => void logs.push(l),
);
await waitForHealth(port, 120_000, () => logs.join('\n'));

/** Sends actions over the protocol, as any client would. */
const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
await new Promise((ok) => ws.once('open', ok));
const act = (action: Record<string, unknown>) => ws.send(JSON.stringify({ type: 'action', action }));
let jobsDone = 0;
ws.on('message', (d, binary) => {
  const m = binary ? null : (JSON.parse(String(d)) as { type: string; jobs?: { state: string }[] });
  if (m?.type === 'offline') jobsDone = (m.jobs ?? []).filter((j) => j.state === 'done').length;
});

const browser = await launchChromium();
try {
  const desktop = await openUi(browser, port, { width: 1280, height: 800 });
  const phone = await openUi(browser, port, { width: 390, height: 844 });
  // A practice state: the play-along preset, a loop around the second phrase.
  await desktop.getByTestId('preset-play-along').click();
  act({ type: 'transport.loop', on: true, startS: 9.6, endS: 19.2 });
  act({ type: 'transport.seek', seconds: 9.6 });
  // One file separated on the Files page (the demo itself).
  const up = await fetch(`http://127.0.0.1:${port}/api/offline/upload?name=${encodeURIComponent('Practice song.flac')}`, { method: 'POST', body: readFileSync(repoPath('engine', 'live', 'assets', 'demo-song.flac')) });
  if (!up.ok) throw new Error(`upload: ${up.status} ${await up.text()}`);
  // A few messages from the pedal, as when trying a controller out.
  for (const v of [0, 20, 45, 80, 101]) midi.press(PEDAL, [0xb0, 7, v]);
  midi.press(PEDAL, [0x99, 36, 100]);
  for (const end = Date.now() + 240_000; jobsDone === 0 && Date.now() < end; ) await sleep(250);
  if (jobsDone === 0) console.error('stemstream screenshots: the offline job did not finish in time');
  for (const theme of ['dark', 'light'] as const) {
    for (const [page, name] of [[desktop, 'desktop'], [phone, 'phone']] as const) {
      await setTheme(page, theme);
      for (const view of ['mixer', 'offline', 'midi'] as const) {
        await page.evaluate(`location.hash = '#${view}'`);
        // The spectrogram starts empty when the page is shown: let it fill the width.
        await sleep(view !== 'mixer' ? 500 : name === 'desktop' ? 11_000 : 4000);
        const file = join(out, `${view === 'mixer' ? 'live' : view === 'offline' ? 'files' : 'midi'}-${name}-${theme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
    }
  }
} finally {
  ws.close();
  await browser.close();
  process.emit('SIGTERM', 'SIGTERM');
  await live;
}
