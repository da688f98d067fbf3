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
        assert.ok(!TAKEOVER_FAMILIES.some((t) => t.family === v.preset.family), 'validation sets stay as they were');
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

test('an opt-in takeover family voices about a quarter of its roles\' training parts and changes no other choice', () => {
  for (const family of new Set(TAKEOVER_FAMILIES.map((t) => t.family))) {
    const roles = TAKEOVER_FAMILIES.filter((t) => t.family === family).map((t) => t.role);
    const withIt = [...DEFAULT_TRAIN_FAMILIES, family];
    let parts = 0, taken = 0;
    for (let i = 0; i < 60; i++) {
      for (const target of ['guitar', 'piano'] as const) {
        const song = composeSong({ seed: 3, index: i, target });
        const opted = planMix(song, 'train', forkRng(3, i, 'mix-train'), withIt);
        const plain = planMix(song, 'train', forkRng(3, i, 'mix-train'));
        opted.voices.forEach((v, k) => {
          if (roles.includes(v.role)) parts++;
          if (v.preset.family === family) {
            taken++;
            assert.ok(roles.includes(v.role), `${family} voiced ${v.role}`);
            // Only the voice differs (and a guitar loses the articulation drawn for a soundfont voice).
            const strip = ({ preset: _p, articulation: _a, ...same }: typeof v) => same;
            assert.deepEqual(strip(v), strip(plain.voices[k]));
          } else assert.deepEqual(v, plain.voices[k], `${v.part}: the takeover shifted another draw`);
        });
        assert.deepEqual({ ...opted, voices: [] }, { ...plain, voices: [] });
      }
    }
    assert.ok(parts > 40 && taken / parts > 0.12 && taken / parts < 0.4, `${family} voiced ${taken} of ${parts} parts`);
  }
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
