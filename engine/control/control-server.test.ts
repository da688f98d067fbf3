import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { repoPath } from '../paths.js';
import { decodeFrame } from './binary-frames.js';
import { ControlServer, diffState } from './control-server.js';
import { EngineController } from './engine-controller.js';
import { FakeEngine } from './fake-engine.js';
import { OfflineJobs } from './offline-jobs.js';
import { PresetStore } from './preset-store.js';
import { decodeWaveform } from './waveform-codec.js';

type Msg = Record<string, unknown> & { type: string };

/** A test client that queues text messages and counts binary frames. */
class Client {
  readonly ws: WebSocket;
  private readonly inbox: Msg[] = [];
  private waiters: (() => void)[] = [];
  frames = 0;
  lastMeters: Float32Array | null = null;
  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (d, binary) => {
      if (binary) {
        this.frames++;
        const f = decodeFrame(new Uint8Array(d as Buffer));
        if (f?.kind === 'meters') this.lastMeters = f.meters;
        return;
      }
      this.inbox.push(JSON.parse(String(d)) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }
  async next(type: string, timeoutMs = 2000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no "${type}" message; inbox: ${JSON.stringify(this.inbox).slice(0, 300)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  close(): void {
    this.ws.close();
  }
}

let server: ControlServer;
let controller: EngineController;
let base: string;
const uiDir = mkdtempSync(join(tmpdir(), 'ss-ui-'));

before(async () => {
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
  const presets = new PresetStore({ userDir: mkdtempSync(join(tmpdir(), 'ss-srv-presets-')) });
  controller = await EngineController.start(async (s) => new FakeEngine(s), { model: repoPath('engine', 'model', 'fixtures', 'small'), latencyMs: 150, inputDevice: 'demo', outputDevice: 'null' }, {
    presets,
    models: () => ['guitar'],
    // The demo's overview: 4 bins of a quiet and a loud half; a device has none.
    waveformOf: async (input) => (input === 'demo' ? { sampleRate: 1000, frames: 4000, framesPerBin: 1000, min: Float32Array.of(-0.25, -0.25, -1, -1), max: Float32Array.of(0.25, 0.25, 1, 1) } : null),
  });
  const offline: OfflineJobs = new OfflineJobs({
    dir: mkdtempSync(join(tmpdir(), 'ss-offline-')),
    maxUploadBytes: 1000,
    separate: async (input, outDir, progress) => {
      progress(0.5);
      writeFileSync(join(outDir, 'instrument.wav'), readFileSync(input));
      writeFileSync(join(outDir, 'rest.wav'), 'rest');
    },
    onChange: (jobs) => server?.broadcastOffline(jobs),
  });
  server = await ControlServer.start({ host: controller, uiDir, port: 0, offline, listDevices: () => ({ devices: [] }) });
  base = `127.0.0.1:${server.port}`;
});
after(async () => {
  await server.close();
  await controller.stop();
});

test('a client gets hello and a versioned snapshot, then meter frames at 20 Hz or more', async () => {
  const c = new Client(`ws://${base}/ws`);
  const hello = await c.next('hello');
  assert.equal(hello.protocol, 1);
  const snap = await c.next('snapshot');
  assert.equal(snap.protocol, 1);
  assert.ok(Array.isArray(snap.presets) && (snap.presets as unknown[]).length >= 3);
  const f0 = c.frames;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 1000));
  // Nominal 30 Hz (meters; no spectrum from the fake engine): at least 20 a second even when
  // timers run late on a busy machine.
  const rate = ((c.frames - f0) * 1000) / (performance.now() - t0);
  assert.ok(rate >= 20, `${rate.toFixed(1)} frames per second`);
  c.close();
});

test('an action from one client is acked and seen by another as a delta; meters follow', async () => {
  const a = new Client(`ws://${base}/ws`);
  const b = new Client(`ws://${base}/ws`);
  await a.next('snapshot');
  await b.next('snapshot');
  a.send({ type: 'action', id: 1, action: { type: 'stem.gain', stem: 'rest', gainDb: -20 } });
  assert.equal((await a.next('ack')).id, 1);
  const d = await b.next('delta');
  assert.deepEqual(d.changes, { 'mixer.stems.rest.gainDb': -20 });
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(b.lastMeters && Math.abs(b.lastMeters[4] - 0.05) < 1e-6, `rest meter ${b.lastMeters?.[4]}`);
  a.close();
  b.close();
});

test('bad messages get error replies with stable codes, and the connection survives', async () => {
  const c = new Client(`ws://${base}/ws`);
  await c.next('snapshot');
  c.send('{oops');
  assert.deepEqual(await c.next('error').then((e) => [e.code, e.reason]), ['SS_ERR_BAD_MESSAGE', 'bad-json']);
  c.send({ type: 'explode' });
  assert.equal((await c.next('error')).reason, 'unknown-type');
  c.send('x'.repeat(20000));
  assert.equal((await c.next('error')).reason, 'too-large');
  c.ws.send(Buffer.from([0, 1, 2]));
  assert.equal((await c.next('error')).reason, 'binary');
  c.send({ type: 'action', id: 9, action: { type: 'model.select', name: 'nope' } });
  const e = await c.next('error');
  assert.deepEqual([e.id, e.code, e.reason], [9, 'SS_ERR_UNKNOWN_MODEL', 'not-found']);
  c.send({ type: 'presets.delete', id: 10, name: 'full-mix' });
  assert.deepEqual(await c.next('error').then((x) => [x.id, x.reason]), [10, 'read-only']);
  c.send({ type: 'ping', id: 11 });
  assert.equal((await c.next('pong')).id, 11);
  c.close();
});

test('waveform.get answers with the input file\'s overview; a device input has none', async () => {
  const c = new Client(`ws://${base}/ws`);
  await c.next('snapshot');
  c.send({ type: 'waveform.get', id: 21 });
  const w = await c.next('waveform');
  assert.deepEqual([w.id, w.input, w.bins, w.durationS, w.binS], [21, 'demo', 4, 4, 1]);
  const d = decodeWaveform(w as unknown as { bins: number; peaks: string });
  assert.ok(d);
  assert.deepEqual(Array.from(d.max, (v) => Math.round(v * 100) / 100), [0.25, 0.25, 1, 1]);
  assert.deepEqual(Array.from(d.min, (v) => Math.round(v * 100) / 100), [-0.25, -0.25, -1, -1]);
  c.send({ type: 'action', id: 22, action: { type: 'devices.select', inputDevice: 3 } });
  await c.next('ack');
  c.send({ type: 'waveform.get' });
  const none = await c.next('waveform');
  assert.deepEqual([none.input, none.bins, none.peaks], ['device 3', 0, '']);
  c.send({ type: 'action', id: 23, action: { type: 'devices.select', inputDevice: 'demo' } });
  await c.next('ack');
  c.close();
});

test('presets saved by one client are listed to all', async () => {
  const a = new Client(`ws://${base}/ws`);
  const b = new Client(`ws://${base}/ws`);
  await a.next('snapshot');
  await b.next('snapshot');
  a.send({ type: 'presets.save', id: 2, name: 'mine' });
  const list = (await b.next('presets')).presets as { name: string; readOnly: boolean }[];
  assert.ok(list.some((p) => p.name === 'mine' && !p.readOnly));
  a.close();
  b.close();
});

test('a foreign Origin or Host is refused at the upgrade', async () => {
  for (const headers of [{ Origin: 'http://evil.example' }, { Host: 'evil.example' }] as Record<string, string>[]) {
    const c = new Client(`ws://${base}/ws`, headers);
    const err = await new Promise<Error>((r) => c.ws.once('error', r));
    assert.match(err.message, /403/);
  }
  const ok = new Client(`ws://${base}/ws`, { Origin: `http://${base}` });
  await ok.next('snapshot');
  ok.close();
});

test('a non-loopback bind needs a token; the token gates the socket', async () => {
  await assert.rejects(ControlServer.start({ host: controller, uiDir, bind: '0.0.0.0' }), /token/);
  const s = await ControlServer.start({ host: controller, uiDir, port: 0, token: 'secret-token-1' });
  try {
    const c = new Client(`ws://127.0.0.1:${s.port}/ws`);
    assert.equal((await c.next('hello')).needsToken, true);
    c.send({ type: 'presets.list' });
    assert.equal((await c.next('error')).reason, 'hello-required');
    c.send({ type: 'hello', protocol: 1, token: 'secret-token-1' });
    await c.next('snapshot');
    c.close();
    const bad = new Client(`ws://127.0.0.1:${s.port}/ws`);
    await bad.next('hello');
    bad.send({ type: 'hello', protocol: 1, token: 'wrong-token-xx' });
    assert.equal((await bad.next('error')).reason, 'unauthorized');
    const q = new Client(`ws://127.0.0.1:${s.port}/ws?token=secret-token-1`);
    assert.equal((await q.next('hello')).needsToken, false);
    await q.next('snapshot');
    q.close();
  } finally {
    await s.close();
  }
});

function http(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('static files stay inside the UI folder', async () => {
  assert.equal((await http('GET', '/')).status, 200);
  assert.equal((await http('GET', '/some/page')).status, 200, 'SPA fallback');
  for (const p of ['/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%5c..%5cetc%5cpasswd', '/%00.js']) {
    const r = await http('GET', p);
    assert.ok(!r.body.includes('root:'), p);
  }
  assert.equal((await http('GET', '/..%2f..%2f..%2f..%2fetc%2fhosts.css')).status, 404, 'resolved inside the UI folder, where it does not exist');
  assert.equal((await http('POST', '/')).status, 405);
});

test('offline upload: size limit, type check, separation, download', async () => {
  const big = await http('POST', '/api/offline/upload?name=a.wav', Buffer.alloc(2000));
  assert.equal(big.status, 413);
  const txt = await http('POST', '/api/offline/upload?name=a.txt', Buffer.from('hi'));
  assert.equal(txt.status, 415);
  const up = await http('POST', '/api/offline/upload?name=song.wav', Buffer.from('RIFFdata'));
  assert.equal(up.status, 200, up.body);
  const id = (JSON.parse(up.body) as { job: { id: string } }).job.id;
  for (let i = 0; i < 50 && !controller; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100));
  const stem = await http('GET', `/api/offline/${id}/instrument.wav`);
  assert.equal(stem.status, 200);
  assert.equal(stem.body, 'RIFFdata');
  assert.equal((await http('GET', `/api/offline/${id}/secret.wav`)).status, 404);
  assert.equal((await http('GET', `/api/offline/${id}/../../x.wav`)).status, 404);
  assert.equal((await http('GET', '/api/health', undefined, { Origin: 'http://evil.example' })).status, 403);
});

test('diffState reports leaf paths only', () => {
  assert.deepEqual(diffState({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: 1, c: 3 }, d: [1, 2] }), { 'a.c': 3, d: [1, 2] });
});
