import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeSong } from './compose.js';
import { planMix } from './mix-plan.js';
import { DEFAULT_TRAIN_FAMILIES, familyPresets, TAKEOVER_FAMILIES, trainOnlyPresets, TRAIN_FAMILIES, type Family } from './presets.js';
import { forkRng } from './prng.js';
import { bankHasPreset, loadFamilyBank } from './render-spessa.js';
import { WAVEGUIDE_ROLES } from './render-waveguide.js';
import type { Role } from './song.js';

const ROLES: Role[] = ['drums', 'bass', 'piano', 'guitar-acoustic', 'guitar-clean', 'guitar-muted', 'guitar-drive', 'organ', 'epiano', 'strings', 'pad', 'brass', 'synth-lead', 'voice', 'mallets', 'plucked'];

test('train songs use only the default training families (FluidR3, TimGM6mb, waveguide, hydrogen); val targets only the held-out family', () => {
  const waveguideTargets = { guitar: 0, piano: 0 };
  let hydrogenDrums = 0;
  let harmonics = 0;
  for (let i = 0; i < 40; i++) {
    for (const target of ['guitar', 'piano'] as const) {
      const song = composeSong({ seed: 9, index: i, target });
      const train = planMix(song, 'train', forkRng(9, i, 'mix-train'));
      for (const v of train.voices) {
        assert.ok(TRAIN_FAMILIES.includes(v.preset.family), `${v.part} from ${v.preset.family} in train`);
        if (v.preset.family === 'waveguide') assert.ok(WAVEGUIDE_ROLES.includes(v.role), `waveguide voiced ${v.role}`);
        if (v.preset.family === 'waveguide' && v.isTarget) waveguideTargets[target]++;
        if (v.preset.family === 'hydrogen') { assert.equal(v.role, 'drums', `hydrogen voiced ${v.role}`); hydrogenDrums++; }
        assert.ok(DEFAULT_TRAIN_FAMILIES.includes(v.preset.family), `${v.preset.family} is opt-in`);
        if (v.preset.bank === 0 && v.preset.program === 31 && v.preset.family !== 'waveguide') harmonics++;
      }
      const val = planMix(song, 'val', forkRng(9, i, 'mix-val'));
      const held: Family = target === 'piano' ? 'musescore' : 'freepats';
      for (const v of val.voices) {
        if (v.isTarget) assert.equal(v.preset.family, held);
        else assert.notEqual(v.preset.family, 'freepats');
        assert.notEqual(v.preset.family, 'waveguide', 'validation is recorded instruments only');
        assert.notEqual(v.preset.family, 'hydrogen', 'validation sets stay as they were');
        assert.notEqual(v.preset.family, 'salamander', 'validation sets stay as they were');
        assert.ok(!(v.preset.program === 31 && v.preset.bank === 0 && v.preset.family !== 'freepats'), 'GM 31 (harmonics) is train-only');
      }
    }
  }
  assert.ok(waveguideTargets.guitar > 5 && waveguideTargets.piano > 5, JSON.stringify(waveguideTargets));
  assert.ok(hydrogenDrums > 10, `hydrogen kits voiced ${hydrogenDrums} drum parts`);
  assert.ok(harmonics > 0, 'some training guitars play natural harmonics (GM 31)');
});

test('families restrict train songs to the sample sets a machine carries; all of them draw what the default draws', () => {
  const only: Family[] = ['timgm6mb', 'waveguide'];
  const seen = new Set<Family>();
  for (let i = 0; i < 30; i++) {
    for (const target of ['guitar', 'piano'] as const) {
      const song = composeSong({ seed: 5, index: i, target });
      for (const v of planMix(song, 'train', forkRng(5, i, 'mix-train'), only).voices) {
        assert.ok(only.includes(v.preset.family), `${v.part} (${v.role}) from ${v.preset.family}`);
        seen.add(v.preset.family);
      }
      assert.deepEqual(planMix(song, 'train', forkRng(5, i, 'mix-train'), DEFAULT_TRAIN_FAMILIES), planMix(song, 'train', forkRng(5, i, 'mix-train')));
    }
  }
  assert.deepEqual([...seen].sort(), ['timgm6mb', 'waveguide'], 'both allowed families voice parts');
  // Drums and bass (in every song), which no allowed family plays, are an error, not a silent FluidR3 voice.
  assert.throws(() => planMix(composeSong({ seed: 5, index: 0, target: 'guitar' }), 'train', forkRng(5, 0, 'mix-train'), ['waveguide']), /no family of waveguide can voice a (drums|bass) part/);
});

test('--families salamander: the grand takes over about a quarter of the training pianos and changes no other choice', () => {
  const withIt = [...DEFAULT_TRAIN_FAMILIES, 'salamander'] as Family[];
  let pianos = 0, taken = 0;
  for (let i = 0; i < 60; i++) {
    for (const target of ['guitar', 'piano'] as const) {
      const song = composeSong({ seed: 3, index: i, target });
      const opted = planMix(song, 'train', forkRng(3, i, 'mix-train'), withIt);
      const plain = planMix(song, 'train', forkRng(3, i, 'mix-train'));
      opted.voices.forEach((v, k) => {
        if (v.role === 'piano') pianos++;
        if (v.preset.family === 'salamander') { taken++; assert.equal(v.role, 'piano'); assert.deepEqual({ ...v, preset: plain.voices[k].preset }, plain.voices[k]); }
        else assert.deepEqual(v, plain.voices[k], `${v.part}: the takeover shifted another draw`);
      });
      assert.deepEqual({ ...opted, voices: [] }, { ...plain, voices: [] });
    }
  }
  assert.ok(pianos > 40, `${pianos} piano parts`);
  assert.ok(taken / pianos > 0.12 && taken / pianos < 0.4, `salamander voiced ${taken} of ${pianos} pianos`);
  assert.ok(TAKEOVER_FAMILIES.every((t) => TRAIN_FAMILIES.includes(t.family) && !DEFAULT_TRAIN_FAMILIES.includes(t.family)));
});

test('every catalogued preset exists in its soundfont (no silent fallback)', () => {
  for (const family of ['timgm6mb', 'musescore'] as const) {
    const bank = loadFamilyBank(family);
    for (const role of ROLES) {
      if (family === 'musescore' && role !== 'piano') continue;
      for (const p of [...familyPresets(family, role), ...trainOnlyPresets(family, role)]) assert.ok(bankHasPreset(bank, p), `${family} lacks ${role} ${p.bank}:${p.program}`);
    }
  }
});
