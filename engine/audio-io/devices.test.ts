import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAudioSystems, listAudioSystems, platformApis, type AudioSystemInfo } from './devices.js';

test('probing never throws and always offers the headless null API', () => {
  const systems = listAudioSystems(['null']);
  assert.equal(systems.length, 1);
  assert.equal(systems[0].api, 'null');
  assert.equal(systems[0].devices[0].outputChannels, 4);
});

test('each platform API is reported, usable or with a reason', () => {
  const systems = listAudioSystems(platformApis('linux'));
  assert.deepEqual(systems.map((s) => s.api), ['jack', 'alsa', 'pulse', 'oss', 'null']);
  for (const s of systems) assert.ok(s.devices.length > 0 || typeof s.error === 'string', `${s.api} has neither devices nor a reason`);
});

test('a machine without devices gets a clear message, not a crash', () => {
  const none: AudioSystemInfo[] = [
    { api: 'jack', compiled: true, devices: [], error: 'no JACK server is running' },
    { api: 'pulse', compiled: false, devices: [], error: 'no Pulse support' },
    { api: 'null', compiled: true, devices: [{ id: 0, name: 'null', inputChannels: 2, outputChannels: 4, isDefaultInput: true, isDefaultOutput: true, sampleRates: [48000], preferredSampleRate: 48000 }] },
  ];
  const text = formatAudioSystems(none);
  assert.match(text, /jack: no JACK server is running/);
  assert.match(text, /pulse: not available \(no Pulse support\)/);
  assert.match(text, /no audio device found: live mode can still run headless with --api null/);
  const withDevice = formatAudioSystems([{ ...none[0], devices: none[2].devices, error: undefined } as AudioSystemInfo]);
  assert.match(withDevice, /\[0\] null {2}in 2 \/ out 4/);
  assert.doesNotMatch(withDevice, /no audio device found/);
});
