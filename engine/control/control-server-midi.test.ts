/**
 * The server's MIDI side against a real MidiController on a FakeMidiSystem: snapshot view,
 * learn → mapping, monitor, setMappings validation, presets carrying mappings, and no MIDI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { FakeMidiSystem } from '../midi/fake-midi-binding.js';
import { MidiController } from '../midi/midi-controller.js';
import { parseMidiConfig } from '../midi/mapping-schema.js';
import { repoPath } from '../paths.js';
import { ControlServer } from './control-server.js';
import { EngineController } from './engine-controller.js';
import { FakeEngine } from './fake-engine.js';
import { PresetStore } from './preset-store.js';

type Msg = Record<string, unknown> & { type: string };

class Client {
  readonly ws: WebSocket;
  private readonly inbox: Msg[] = [];
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d, binary) => {
      if (!binary) this.inbox.push(JSON.parse(String(d)) as Msg);
    });
  }
  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }
  /** The first queued message of `type` (and matching `where`), waiting for it. */
  async next(type: string, where: (m: Msg) => boolean = () => true, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type && where(m));
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no "${type}" message; inbox: ${JSON.stringify(this.inbox.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  close(): void {
    this.ws.close();
  }
}

const sys = new FakeMidiSystem();
sys.inputPorts = ['Pedal:out'];
let controller: EngineController;
let midi: MidiController;
let server: ControlServer;
let bare: ControlServer;
let url: string;
const uiDir = mkdtempSync(join(tmpdir(), 'ss-ui-'));

before(async () => {
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html>');
  const presets = new PresetStore({ userDir: mkdtempSync(join(tmpdir(), 'ss-midi-presets-')) });
  const settings = { model: repoPath('engine', 'model', 'fixtures', 'small'), latencyMs: 150, inputDevice: 'demo', outputDevice: 'null' } as const;
  controller = await EngineController.start(async (s) => new FakeEngine(s), settings, { presets, models: () => ['guitar'] });
  midi = new MidiController({ target: controller, binding: sys, pollMs: 0, config: parseMidiConfig({ inputs: ['Pedal'], mappings: [] }) });
  midi.start();
  controller.midi = midi;
  server = await ControlServer.start({ host: controller, uiDir, port: 0, listDevices: () => ({ devices: [] }) });
  url = `ws://127.0.0.1:${server.port}/ws`;
  // The same engine without MIDI: a host whose midi facet is absent.
  const noMidi = Object.create(controller, { midi: { value: null } }) as EngineController;
  bare = await ControlServer.start({ host: noMidi, uiDir, port: 0, listDevices: () => ({ devices: [] }) });
});
after(async () => {
  await server.close();
  await bare.close();
  midi.close();
  await controller.stop();
});

test('the snapshot carries the MIDI view: availability, ports, mappings', async () => {
  const c = new Client(url);
  const snap = await c.next('snapshot');
  const view = snap.midi as Record<string, unknown>;
  assert.equal(view.available, true);
  assert.deepEqual(view.inputs, [{ direction: 'input', wanted: 'Pedal', port: 'Pedal:out', state: 'open' }]);
  assert.deepEqual(view.mappings, []);
  assert.equal(view.learning, null);
  c.close();
});

test('learn: the next control moved becomes a mapping, replied and shown to every client; the pedal then works', async () => {
  const a = new Client(url);
  const b = new Client(url);
  await a.next('snapshot');
  await b.next('snapshot');
  a.send({ type: 'midi.learn', id: 5, action: { type: 'stem.mute', stem: 'rest' }, feedback: true });
  const armed = await b.next('midi', (m) => (m.midi as { learning: unknown }).learning !== null);
  assert.deepEqual((armed.midi as { learning: unknown }).learning, { type: 'stem.mute', stem: 'rest' });
  sys.press('Pedal:out', [0xb1, 81, 127]);
  const learned = await a.next('midi.learned');
  assert.equal(learned.id, 5);
  assert.deepEqual(learned.mapping, { trigger: { type: 'cc', channel: 2, controller: 81 }, action: { type: 'stem.mute', stem: 'rest' }, mode: 'toggle', takeover: 'soft', feedback: true });
  const shown = await b.next('midi', (m) => (m.midi as { mappings: unknown[] }).mappings.length === 1);
  assert.equal((shown.midi as { learning: unknown }).learning, null);
  // The monitor saw the message.
  const ev = await b.next('midi.events');
  assert.deepEqual((ev.events as { port: string }[]).map((e) => e.port), ['Pedal:out']);
  assert.match((ev.events as { text: string }[])[0].text, /cc 81/);
  // The new mapping drives the engine.
  sys.press('Pedal:out', [0xb1, 81, 0]);
  sys.press('Pedal:out', [0xb1, 81, 127]);
  await midi.drain();
  assert.equal(controller.state().mixer.stems.rest.mute, true);
  await controller.apply({ type: 'stem.mute', stem: 'rest', mute: false });
  a.close();
  b.close();
});

test('learn times out with reason "timeout"; a cancelled learn is answered', async () => {
  const a = new Client(url);
  await a.next('snapshot');
  a.send({ type: 'midi.learn', id: 6, action: { type: 'bypass' }, timeoutMs: 1000 });
  const err = await a.next('error');
  assert.deepEqual([err.id, err.code, err.reason], [6, 'SS_ERR_DEVICE', 'timeout']);
  assert.match(String(err.message), /no control was moved/);
  a.send({ type: 'midi.learn', id: 7, action: { type: 'bypass' } });
  await a.next('midi', (m) => (m.midi as { learning: unknown }).learning !== null);
  a.send({ type: 'midi.cancelLearn', id: 8 });
  const cancelled = await a.next('error');
  assert.deepEqual([cancelled.id, cancelled.reason], [7, 'refused']);
  assert.equal((await a.next('ack')).id, 8);
  await a.next('midi', (m) => (m.midi as { learning: unknown }).learning === null);
  assert.equal(midi.mapper.learning, false);
  a.close();
});

test('setMappings validates, applies live and broadcasts; deleteMapping and loadDefault', async () => {
  const a = new Client(url);
  await a.next('snapshot');
  a.send({ type: 'midi.setMappings', id: 1, mappings: [{ trigger: { type: 'note', note: 60 }, action: { type: 'stem.gain', stem: 'rest' } }] });
  const bad = await a.next('error');
  assert.deepEqual([bad.id, bad.code, bad.reason], [1, 'SS_ERR_BAD_MESSAGE', 'invalid']);
  assert.match(String(bad.message), /cc trigger/);
  assert.equal(midi.config().mappings.length, 1, 'a refused list changes nothing');

  const mappings = [
    { trigger: { type: 'cc', controller: 7 }, action: { type: 'master.gain' }, takeover: 'jump' },
    { trigger: { type: 'note', channel: 10, note: 36 }, action: { type: 'bypass' }, mode: 'momentary' },
  ];
  a.send({ type: 'midi.setMappings', id: 2, mappings });
  assert.equal((await a.next('ack')).id, 2);
  await a.next('midi', (m) => (m.midi as { mappings: unknown[] }).mappings.length === 2);
  sys.press('Pedal:out', [0xb0, 7, 0]);
  await midi.drain();
  assert.ok(controller.state().mixer.masterGainDb < -60, `master ${controller.state().mixer.masterGainDb} dB after CC 7 = 0`);
  await controller.apply({ type: 'master.gain', gainDb: 0 });

  a.send({ type: 'midi.deleteMapping', id: 3, index: 5 });
  const nf = await a.next('error');
  assert.deepEqual([nf.id, nf.reason], [3, 'not-found']);
  a.send({ type: 'midi.deleteMapping', id: 4, index: 0 });
  assert.equal((await a.next('ack')).id, 4);
  assert.deepEqual(midi.config().mappings.map((m) => m.action.type), ['bypass']);

  a.send({ type: 'midi.loadDefault', id: 9, name: 'foot-4-switch' });
  assert.equal((await a.next('ack')).id, 9);
  assert.deepEqual(midi.config().mappings.map((m) => m.trigger.type === 'cc' && m.trigger.controller), [80, 81, 82, 83]);
  a.close();
});

test('presets save the mappings in force, and loading one applies its mappings', async () => {
  const a = new Client(url);
  await a.next('snapshot');
  midi.setConfig({ ...midi.config(), mappings: parseMidiConfig({ mappings: [{ trigger: { type: 'cc', controller: 20 }, action: { type: 'bypass' } }] }).mappings });
  a.send({ type: 'presets.save', id: 1, name: 'with-midi' });
  await a.next('ack');
  assert.deepEqual(controller.presets.load('with-midi').midi.mappings.map((m) => m.trigger.type === 'cc' && m.trigger.controller), [20]);
  midi.setConfig({ ...midi.config(), mappings: [] });
  a.send({ type: 'action', id: 2, action: { type: 'preset.load', name: 'with-midi' } });
  await a.next('ack');
  const shown = await a.next('midi', (m) => (m.midi as { mappings: unknown[] }).mappings.length === 1);
  assert.deepEqual((shown.midi as { mappings: { trigger: unknown }[] }).mappings[0].trigger, { type: 'cc', channel: 'any', controller: 20 });
  a.close();
});

test('without MIDI the snapshot has no view and midi.* messages are refused', async () => {
  const c = new Client(`ws://127.0.0.1:${bare.port}/ws`);
  const snap = await c.next('snapshot');
  assert.equal('midi' in snap, false);
  c.send({ type: 'midi.learn', id: 1, action: { type: 'bypass' } });
  const err = await c.next('error');
  assert.deepEqual([err.id, err.code, err.reason], [1, 'SS_ERR_DEVICE', 'not-found']);
  assert.match(String(err.message), /--no-midi/);
  c.close();
});
