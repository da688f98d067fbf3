import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeSong } from './compose.js';
import { GUITAR_ROLES } from './presets.js';
import { Rng, forkRng, hashSeed } from './prng.js';

test('prng: same seed, same stream; forks independent of draw order', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notEqual(hashSeed(1, 2), hashSeed(2, 1));
  const r1 = new Rng(7);
  r1.next();
  assert.equal(r1.fork('x').next(), new Rng(7).fork('x').next());
  assert.notEqual(forkRng(1, 0, 'a').next(), forkRng(1, 1, 'a').next());
});

test('composeSong is deterministic for (seed, index) and varies across indices', () => {
  const a = composeSong({ seed: 3, index: 5, target: 'guitar' });
  const b = composeSong({ seed: 3, index: 5, target: 'guitar' });
  assert.deepEqual(a, b);
  const songs = Array.from({ length: 40 }, (_, i) => composeSong({ seed: 3, index: i, target: i % 2 ? 'piano' : 'guitar' }));
  assert.ok(new Set(songs.map((s) => s.genre)).size >= 5, 'genres vary');
  assert.ok(new Set(songs.map((s) => s.tempoBpm)).size >= 15, 'tempos vary');
  assert.ok(new Set(songs.map((s) => s.key)).size >= 10, 'keys vary');
  assert.ok(new Set(songs.map((s) => s.meter)).size >= 2, 'meters vary');
  const styles = new Set(songs.flatMap((s) => s.parts.filter((p) => p.isTarget).map((p) => p.style)));
  for (const s of ['strum', 'power', 'comp', 'arpeggio']) assert.ok(styles.has(s), `target style ${s} appears`);
});

test('songs have target parts, rest parts, sane lengths, and target rests where the section says so', () => {
  let restSections = 0;
  let aloneSections = 0;
  for (let i = 0; i < 60; i++) {
    const target = i % 2 ? 'piano' : 'guitar';
    const s = composeSong({ seed: 11, index: i, target });
    assert.ok(s.durationSec >= 25 && s.durationSec <= 100, `duration ${s.durationSec}`);
    const targets = s.parts.filter((p) => p.isTarget);
    assert.ok(targets.length >= 1, 'has a target part');
    for (const p of targets) assert.ok(target === 'piano' ? p.role === 'piano' : GUITAR_ROLES.includes(p.role));
    assert.ok(s.parts.some((p) => !p.isTarget), 'has rest parts');
    for (const sec of s.sections) {
      const inside = (t: number): boolean => t >= sec.startSec + 0.1 && t < sec.endSec - 0.1;
      if (sec.targetMode === 'rests') {
        restSections++;
        for (const p of targets) assert.ok(!p.notes.some((n) => inside(n.time)), `${p.name} silent in ${sec.name}`);
      }
      if (sec.targetMode === 'alone') {
        aloneSections++;
        for (const p of s.parts.filter((q) => !q.isTarget)) assert.ok(!p.notes.some((n) => inside(n.time)), `${p.name} silent while target plays alone`);
      }
    }
    for (const p of s.parts) for (const n of p.notes) assert.ok(n.pitch >= 0 && n.pitch <= 127 && n.velocity >= 1 && n.velocity <= 127 && n.duration > 0);
  }
  assert.ok(restSections > 0 && aloneSections > 0, 'both rest and alone sections occur');
});
