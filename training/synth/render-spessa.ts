/**
 * Renders parts with spessasynth_core: one synthesizer per sound family, each part on its own MIDI
 * channel, `processSplit` giving every channel's dry stereo output apart (synth effects off; our
 * own effects come after). Events are applied at their exact sample.
 */
import { readFileSync } from 'node:fs';
import { SoundBankLoader, SpessaLog, SpessaSynthProcessor, type BasicSoundBank, type MIDIController } from 'spessasynth_core';
import { StemstreamError } from '../../engine/errors.js';
import { BEND_RANGE_SEMITONES, pitchWheelValue } from './articulation.js';
import { SOUNDFONT_PATHS, type PresetRef, type SoundfontFamily } from './presets.js';
import type { Part } from './song.js';

const banks = new Map<string, BasicSoundBank>();
// spessasynth warns on every voice-pool growth; the dataset log has no use for that.
SpessaLog.warnEnabled = false;
SpessaLog.infoEnabled = false;

/** Loads (once per thread) the soundfont of a family. */
export function loadFamilyBank(family: SoundfontFamily): BasicSoundBank {
  const path = SOUNDFONT_PATHS[family];
  const cached = banks.get(path);
  if (cached) return cached;
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `soundfont for family '${family}' not found at ${path} (install the Debian soundfont packages, see training/synth/README.md)`, { cause: e });
  }
  const bank = SoundBankLoader.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  banks.set(path, bank);
  return bank;
}

/** True when the bank has exactly this (bank, program) preset, so no silent fallback happens. */
export function bankHasPreset(bank: BasicSoundBank, preset: PresetRef): boolean {
  const drums = preset.bank === 128;
  return bank.presets.some((p) => p.program === preset.program && (drums ? p.isGMGSDrum : !p.isGMGSDrum && p.bankMSB === preset.bank && p.bankLSB === 0));
}

interface SynthEvent {
  sample: number;
  /** 0 note off, 1 controller, 2 note on: the order at equal samples. */
  order: number;
  channel: number;
  /** Controller number, key, or {@link PITCH_WHEEL} (then `b` is the 14-bit wheel value). */
  a: number;
  b: number;
}

const PITCH_WHEEL = -1;

const CC_BANK = 0 as MIDIController;
const CC_VOLUME = 7 as MIDIController;
const CC_PAN = 10 as MIDIController;
const CC_REVERB = 91 as MIDIController;
const CC_CHORUS = 93 as MIDIController;
const DRUM_CHANNEL = 9;
const BLOCK = 128;

/** Note events of one part; a repeated pitch ends the previous note just before it restarts. */
function partEvents(part: Part, channel: number, sampleRate: number, nbSamples: number): SynthEvent[] {
  const events: SynthEvent[] = [];
  const byPitch = new Map<number, Part['notes']>();
  for (const n of part.notes) {
    const list = byPitch.get(n.pitch) ?? [];
    list.push(n);
    byPitch.set(n.pitch, list);
  }
  for (const [pitch, list] of byPitch) {
    list.sort((x, y) => x.time - y.time);
    for (let i = 0; i < list.length; i++) {
      const n = list[i];
      const on = Math.round(n.time * sampleRate);
      let off = Math.round((n.time + n.duration) * sampleRate);
      if (i + 1 < list.length) off = Math.min(off, Math.round(list[i + 1].time * sampleRate) - 1);
      if (on >= nbSamples || off <= on) continue;
      events.push({ sample: on, order: 2, channel, a: pitch, b: n.velocity });
      events.push({ sample: Math.min(off, nbSamples - 1), order: 0, channel, a: pitch, b: 0 });
    }
  }
  for (const c of part.controls) {
    const s = Math.round(c.time * sampleRate);
    if (s < nbSamples) events.push({ sample: s, order: 1, channel, a: c.controller, b: c.value });
  }
  for (const p of part.bends ?? []) {
    const s = Math.round(p.time * sampleRate);
    if (s < nbSamples) events.push({ sample: s, order: 1, channel, a: PITCH_WHEEL, b: pitchWheelValue(p.semitones) });
  }
  return events;
}

/**
 * Renders `parts` (all voiced by the same family's `bank`) to dry stereo stems.
 * @returns one `[left, right]` pair per part, planar, `nbSamples` long, in the order of `parts`.
 */
export async function renderSpessa(bank: BasicSoundBank, parts: { part: Part; preset: PresetRef }[], sampleRate: number, nbSamples: number): Promise<Float32Array[][]> {
  const result: Float32Array[][] = parts.map(() => [new Float32Array(nbSamples), new Float32Array(nbSamples)]);
  // 15 melodic channels and one drum channel per pass.
  const melodic = parts.map((p, i) => ({ ...p, i })).filter((p) => !p.part.isDrums);
  const drums = parts.map((p, i) => ({ ...p, i })).filter((p) => p.part.isDrums);
  const passes: { i: number; part: Part; preset: PresetRef; channel: number }[][] = [];
  const melodicChannels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15];
  while (melodic.length > 0 || drums.length > 0) {
    const pass: { i: number; part: Part; preset: PresetRef; channel: number }[] = [];
    for (const ch of melodicChannels) {
      const p = melodic.shift();
      if (!p) break;
      pass.push({ ...p, channel: ch });
    }
    const d = drums.shift();
    if (d) pass.push({ ...d, channel: DRUM_CHANNEL });
    passes.push(pass);
  }
  for (const pass of passes) {
    const synth = new SpessaSynthProcessor(sampleRate, { maxBufferSize: BLOCK, effectsEnabled: false, eventsEnabled: false });
    synth.soundBankManager.addSoundBank(bank, 'main');
    await synth.processorInitialized;
    synth.setSystemParameter('voiceCap', 1000);
    const outputs: Float32Array[][] = Array.from({ length: 16 }, () => [new Float32Array(nbSamples), new Float32Array(nbSamples)]);
    for (const { part, preset, channel } of pass) {
      if (!part.isDrums) synth.controllerChange(channel, CC_BANK, preset.bank);
      synth.programChange(channel, preset.program);
      synth.controllerChange(channel, CC_VOLUME, 100);
      synth.controllerChange(channel, CC_PAN, 64);
      synth.controllerChange(channel, CC_REVERB, 0);
      synth.controllerChange(channel, CC_CHORUS, 0);
      if (part.bends?.length) {
        // RPN 0 (pitch-bend sensitivity) = BEND_RANGE_SEMITONES, then close the RPN.
        for (const [cc, v] of [[101, 0], [100, 0], [6, BEND_RANGE_SEMITONES], [38, 0], [101, 127], [100, 127]] as const) synth.controllerChange(channel, cc as MIDIController, v);
      }
    }
    const events = pass.flatMap(({ part, channel }) => partEvents(part, channel, sampleRate, nbSamples));
    events.sort((x, y) => x.sample - y.sample || x.order - y.order);
    const fxL = new Float32Array(nbSamples);
    const fxR = new Float32Array(nbSamples);
    let e = 0;
    for (let pos = 0; pos < nbSamples; ) {
      while (e < events.length && events[e].sample <= pos) {
        const ev = events[e++];
        if (ev.order === 2) synth.noteOn(ev.channel, ev.a, ev.b);
        else if (ev.order === 0) synth.noteOff(ev.channel, ev.a);
        else if (ev.a === PITCH_WHEEL) synth.pitchWheel(ev.channel, ev.b);
        else synth.controllerChange(ev.channel, ev.a as MIDIController, ev.b);
      }
      const until = e < events.length ? events[e].sample : nbSamples;
      const len = Math.min(BLOCK, until - pos, nbSamples - pos);
      synth.processSplit(outputs, fxL, fxR, pos, len);
      pos += len;
    }
    // No destroySynthProcessor(): it would also destroy the shared, cached sound bank.
    for (const { i, channel } of pass) result[i] = outputs[channel];
  }
  return result;
}
