/**
 * The one parser of raw MIDI bytes (validate at the edge): a channel-voice message becomes a
 * typed `MidiEvent`, anything else (system, running-status fragments, bad lengths) is `null`.
 * Channels are 1–16 here and everywhere a user sees them (mapping files, `midi monitor`).
 */

export type MidiEvent =
  | { kind: 'cc'; channel: number; controller: number; value: number }
  | { kind: 'noteon'; channel: number; note: number; velocity: number }
  | { kind: 'noteoff'; channel: number; note: number; velocity: number }
  | { kind: 'program'; channel: number; program: number };

/** Anything indexable by byte position: a Buffer, a Uint8Array or a number[]. */
export type MidiBytes = ArrayLike<number>;

const isData = (b: number | undefined): b is number => b !== undefined && Number.isInteger(b) && b >= 0 && b <= 127;

/**
 * Parse one complete MIDI message (status byte first). Note-on with velocity 0 is reported as
 * note-off, as the MIDI spec says it means. Returns null for what the mapper has no use for
 * (system messages, aftertouch, pitch bend) and for malformed input; never throws.
 */
export function parseMidiMessage(bytes: MidiBytes): MidiEvent | null {
  const status = bytes[0];
  if (status === undefined || status < 0x80 || status > 0xef) return null;
  const channel = (status & 0x0f) + 1;
  const d1 = bytes[1];
  const d2 = bytes[2];
  switch (status & 0xf0) {
    case 0xb0:
      return isData(d1) && isData(d2) ? { kind: 'cc', channel, controller: d1, value: d2 } : null;
    case 0x90:
      if (!isData(d1) || !isData(d2)) return null;
      return d2 === 0 ? { kind: 'noteoff', channel, note: d1, velocity: 0 } : { kind: 'noteon', channel, note: d1, velocity: d2 };
    case 0x80:
      return isData(d1) && isData(d2) ? { kind: 'noteoff', channel, note: d1, velocity: d2 } : null;
    case 0xc0:
      return isData(d1) ? { kind: 'program', channel, program: d1 } : null;
    default:
      return null;
  }
}

/** Raw bytes of an event (for feedback and the virtual controllers in tests). */
export function encodeMidiEvent(e: MidiEvent): number[] {
  const ch = (e.channel - 1) & 0x0f;
  switch (e.kind) {
    case 'cc':
      return [0xb0 | ch, e.controller & 0x7f, e.value & 0x7f];
    case 'noteon':
      return [0x90 | ch, e.note & 0x7f, e.velocity & 0x7f];
    case 'noteoff':
      return [0x80 | ch, e.note & 0x7f, e.velocity & 0x7f];
    case 'program':
      return [0xc0 | ch, e.program & 0x7f];
  }
}

/** One line for `stemstream midi monitor`: `ch 1  cc 80 = 127`. */
export function formatMidiEvent(e: MidiEvent): string {
  const ch = `ch ${String(e.channel).padStart(2)}`;
  switch (e.kind) {
    case 'cc':
      return `${ch}  cc ${e.controller} = ${e.value}`;
    case 'noteon':
      return `${ch}  note on ${e.note} velocity ${e.velocity}`;
    case 'noteoff':
      return `${ch}  note off ${e.note}`;
    case 'program':
      return `${ch}  program ${e.program}`;
  }
}

/** Hex dump of raw bytes (monitor shows what the parser ignored too). */
export function hexBytes(bytes: MidiBytes): string {
  return Array.from({ length: bytes.length }, (_, i) => (bytes[i] ?? 0).toString(16).padStart(2, '0')).join(' ');
}
