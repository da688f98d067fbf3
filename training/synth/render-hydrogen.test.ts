import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyDrum, HYDROGEN_KITS, hydrogenAvailable, loadKit, mapKit, parseDrumkitXml, renderHydrogen } from './render-hydrogen.js';
import type { Note, Part } from './song.js';

const SR = 22050;
// CI installs the kits (.ci/run); a machine without them skips the rendering tests.
const noKits = !hydrogenAvailable() && !process.env.CI && 'hydrogen-drumkits / hydrogen-data not installed';

function drums(notes: Note[]): Part {
  return { name: 'drums', role: 'drums', style: 'test', isDrums: true, isTarget: false, notes, controls: [] };
}

function energy(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.round(from * SR); i < Math.min(x.length, Math.round(to * SR)); i++) s += x[i] * x[i];
  return s;
}

test('parseDrumkitXml reads layered instruments, old one-file instruments, and skips muted ones', () => {
  const xml = `<drumkit_info><name>k</name><instrumentList>
    <instrument><id>0</id><name>Kick &amp; Co</name><volume>0.5</volume><gain>0.8</gain><pan_L>1</pan_L><pan_R>0.5</pan_R>
      <instrumentComponent><layer><filename>k-soft.wav</filename><min>0</min><max>0.5</max><gain>1</gain></layer>
      <layer><filename>k-hard.wav</filename><min>0.5</min><max>1</max><gain>0.7</gain></layer></instrumentComponent></instrument>
    <instrument><id>1</id><filename>snare.flac</filename><name>Snare</name><volume>1</volume></instrument>
    <instrument><id>2</id><filename>x.flac</filename><name>Muted</name><isMuted>true</isMuted></instrument>
    <instrument><id>3</id><name>Empty</name></instrument>
  </instrumentList></drumkit_info>`;
  const insts = parseDrumkitXml(xml);
  assert.deepEqual(insts.map((i) => i.name), ['Kick & Co', 'Snare']);
  assert.equal(insts[0].layers.length, 2);
  assert.deepEqual(insts[0].layers[1], { file: 'k-hard.wav', min: 0.5, max: 1, gain: 0.7 });
  assert.ok(Math.abs(insts[0].gain - 0.4) < 1e-9);
  assert.ok(Math.abs(insts[0].pan - -0.5) < 1e-9, 'pan_R - pan_L');
  assert.deepEqual(insts[1].layers, [{ file: 'snare.flac', min: 0, max: 1, gain: 1 }]);
});

test('classifyDrum and mapKit: names to GM keys, toms low to high, fallbacks for missing keys', () => {
  assert.equal(classifyDrum('Ride (Custom, Zagrebin 22")'), 51, '"Custom" is not a tom');
  assert.equal(classifyDrum('Hi-Hat Pedal (Paiste)'), 44);
  assert.equal(classifyDrum('VariBreaks Hat 1 Op'), 46);
  assert.equal(classifyDrum('Sabian Hat Choke'), 42);
  assert.equal(classifyDrum('Snare Roll'), null);
  const inst = (name: string) => ({ name, gain: 1, pan: 0, layers: [{ file: `${name}.wav`, min: 0, max: 1, gain: 1 }] });
  const keys = mapKit([inst('Tom Hi'), inst('Kick'), inst('Floor Tom'), inst('Snare'), inst('Closed HH'), inst('Tom Mid')]);
  assert.equal(keys.get(41)![0].name, 'Floor Tom');
  assert.equal(keys.get(45)![0].name, 'Tom Mid');
  assert.equal(keys.get(50)![0].name, 'Tom Hi');
  assert.equal(keys.get(44)![0].name, 'Closed HH', 'no pedal hat: the closed one');
  assert.equal(keys.get(37)![0].name, 'Snare', 'no side stick: the snare');
  assert.equal(keys.get(49)?.[0].name, 'Closed HH', 'no cymbals: crash falls back along ride → closed hat');
});

test('every catalogued kit loads, covers the keys the drum patterns play, and every hit decodes and sounds', { skip: noKits }, async () => {
  const keys = [36, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51];
  for (let i = 0; i < HYDROGEN_KITS.length; i++) {
    const kit = loadKit(i);
    for (const key of keys) assert.ok(kit.keys.has(key), `${kit.name} plays ${key}`);
    for (const pitch of keys) {
      for (const velocity of [20, 70, 120]) {
        const [left, right] = await renderHydrogen(drums([{ time: 0.05, duration: 0.1, pitch, velocity }]), i, SR, Math.round(SR * 0.3), 3);
        const e = energy(left, 0.05, 0.3) + energy(right, 0.05, 0.3);
        assert.ok(e > 1e-6 && Number.isFinite(e) && energy(left, 0, 0.049) === 0, `${kit.name} key ${pitch} velocity ${velocity}: energy ${e}`);
      }
    }
  }
});

test('renderHydrogen: hits start on time, follow velocity, and an open hat is choked by the next closed hat', { skip: noKits }, async () => {
  const n = SR * 2;
  const kit = HYDROGEN_KITS.indexOf('GMRockKit');
  const [kickL] = await renderHydrogen(drums([{ time: 0.5, duration: 0.1, pitch: 36, velocity: 110 }]), kit, SR, n, 7);
  const first = kickL.findIndex((v) => v !== 0);
  assert.ok(Math.abs(first - 0.5 * SR) <= 2, `kick starts at ${first}`);
  const [soft] = await renderHydrogen(drums([{ time: 0.5, duration: 0.1, pitch: 36, velocity: 30 }]), kit, SR, n, 7);
  assert.ok(energy(kickL, 0.5, 1) > 4 * energy(soft, 0.5, 1), 'velocity 110 is much louder than 30');

  const open: Note = { time: 0.2, duration: 0.1, pitch: 46, velocity: 100 };
  const closed: Note = { time: 0.5, duration: 0.1, pitch: 42, velocity: 100 };
  const [openAlone] = await renderHydrogen(drums([open]), kit, SR, n, 7);
  const [closedAlone] = await renderHydrogen(drums([closed]), kit, SR, n, 7);
  const [both] = await renderHydrogen(drums([open, closed]), kit, SR, n, 7);
  const choked = both.map((v, i) => v - closedAlone[i]);
  assert.ok(energy(openAlone, 0.52, 1.5) > 0, 'the open hat rings on by itself');
  assert.equal(energy(choked, 0.51, 2), 0, 'nothing of the open hat after the closed hat + fade');
  for (let i = Math.round(0.2 * SR); i < Math.round(0.5 * SR); i += 97) assert.ok(Math.abs(choked[i] - openAlone[i]) < 1e-6);
});
