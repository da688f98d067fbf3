/**
 * Re-voicing existing MIDI files (as Slakh does): each channel's GM program maps to a role, the
 * renderer then picks new presets for the roles. If a file has no part of the target class, its
 * busiest chordal part is re-cast as the target, so every file yields a usable song.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BasicMIDI } from 'spessasynth_core';
import { StemstreamError } from '../../engine/errors.js';
import { GUITAR_ROLES, isTargetRole } from './presets.js';
import { forkRng } from './prng.js';
import type { Part, Role, Song, TargetInstrument } from './song.js';

/** GM program (0–127) → role. */
export function programRole(program: number): Role {
  if (program <= 3) return 'piano';
  if (program <= 7) return 'epiano';
  if (program <= 15) return 'mallets';
  if (program <= 23) return 'organ';
  if (program <= 25) return 'guitar-acoustic';
  if (program <= 27) return 'guitar-clean';
  if (program === 28) return 'guitar-muted';
  if (program <= 31) return 'guitar-drive';
  if (program <= 39) return 'bass';
  if (program <= 51) return 'strings';
  if (program <= 54) return 'voice';
  if (program <= 55) return 'strings';
  if (program <= 79) return 'brass';
  if (program <= 87) return 'synth-lead';
  if (program <= 103) return 'pad';
  return 'plucked';
}

const MAX_SEC = 240;

/** Song from a MIDI file, voiced afresh per `index` (the same file can appear many times). */
export function midiSong(path: string, seed: number, index: number, target: TargetInstrument): Song {
  let midi: BasicMIDI;
  try {
    const buf = readFileSync(path);
    midi = BasicMIDI.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, basename(path));
  } catch (e) {
    throw new StemstreamError('SS_ERR_BAD_DATASET', `${path}: not a readable MIDI file (${(e as Error).message})`, { cause: e });
  }
  const programs = new Array<number>(16).fill(0);
  // The first program change per channel decides its role.
  const seen = new Set<number>();
  for (const track of midi.tracks) {
    for (const ev of track.events) {
      const status = ev.statusByte & 0xf0;
      const ch = ev.statusByte & 0x0f;
      if (status === 0xc0 && !seen.has(ch)) { programs[ch] = ev.data[0] ?? 0; seen.add(ch); }
    }
  }
  const noteTimes = midi.getNoteTimes(0.1);
  const rng = forkRng(seed, index, 'midi');
  const parts: Part[] = [];
  noteTimes.forEach((notes, ch) => {
    if (notes.length === 0) return;
    const isDrums = ch === 9;
    const role: Role = isDrums ? 'drums' : programRole(programs[ch]);
    parts.push({
      name: `${role}-ch${ch + 1}`,
      role,
      style: 'midi',
      isDrums,
      isTarget: isTargetRole(role, target),
      notes: notes.filter((n) => n.start < MAX_SEC).map((n) => ({ time: n.start, duration: Math.max(0.03, n.length), pitch: n.midiNote, velocity: Math.max(1, Math.min(127, n.velocity)) })),
      controls: [],
    });
  });
  if (parts.length === 0) throw new StemstreamError('SS_ERR_BAD_DATASET', `${path}: MIDI file has no notes`);
  if (!parts.some((p) => p.isTarget)) {
    const candidates = parts.filter((p) => !p.isDrums && p.role !== 'bass');
    if (candidates.length > 0) {
      const busiest = candidates.reduce((a, b) => (b.notes.length > a.notes.length ? b : a));
      busiest.role = target === 'piano' ? 'piano' : rng.pick(GUITAR_ROLES);
      busiest.isTarget = true;
      busiest.name = `${busiest.role}-recast`;
    }
  }
  const end = Math.min(MAX_SEC, Math.max(...parts.flatMap((p) => p.notes.map((n) => n.time + n.duration))));
  const tempo = midi.tempoChanges.length > 0 ? midi.tempoChanges[midi.tempoChanges.length - 1].tempo : 120;
  return {
    seed,
    index,
    target,
    source: `midi:${basename(path)}`,
    tempoBpm: Math.round(tempo),
    meter: 'unknown',
    key: 'unknown',
    genre: 'midi',
    sections: [{ name: 'all', startSec: 0, endSec: end, bars: 0, targetMode: 'plays' }],
    parts,
    durationSec: end,
  };
}
