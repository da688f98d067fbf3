/**
 * Format detection from magic bytes (never from the file extension). Pure functions over the first
 * bytes of a file; the caller turns a null result into SS_ERR_UNSUPPORTED_AUDIO.
 */
import type { AudioFormat } from './audio-types.js';
import { findMpegFrame } from './mpeg-header.js';

export type Detection =
  | { format: AudioFormat; /** Byte offset of the format's first byte (MP3: first frame) within `head`. */ offset: number }
  | { format: null; reason: string };

/** How many leading bytes {@link detectFormat} wants to see (it copes with fewer). */
export const SNIFF_BYTES = 64 * 1024;

function ascii(b: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = at; i < at + len && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Total size of an ID3v2 tag at `at` (header + body + optional footer), or 0 when none. */
export function id3v2Size(b: Uint8Array, at = 0): number {
  if (b.length < at + 10 || ascii(b, at, 3) !== 'ID3') return 0;
  // Sizes are "syncsafe": 7 bits per byte.
  const size = ((b[at + 6] & 0x7f) << 21) | ((b[at + 7] & 0x7f) << 14) | ((b[at + 8] & 0x7f) << 7) | (b[at + 9] & 0x7f);
  const footer = b[at + 5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * Detects the format from the first bytes of a stream (ideally {@link SNIFF_BYTES} of them); the
 * caller skips a leading ID3v2 tag first (see {@link id3v2Size}). WAV: RIFF/WAVE. FLAC: "fLaC".
 * Ogg: "OggS" carrying Vorbis. MP3: MPEG audio frames confirmed by two consecutive frame headers.
 */
export function detectFormat(head: Uint8Array): Detection {
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE') return { format: 'wav', offset: 0 };
  if (ascii(head, 0, 4) === 'RIFF' && head.length < 12) return { format: 'wav', offset: 0 };
  if (ascii(head, 0, 4) === 'RF64') return { format: null, reason: 'RF64 (64-bit WAV) is not supported; convert it to FLAC or split it' };
  if (ascii(head, 0, 4) === 'RIFX') return { format: null, reason: 'big-endian WAV (RIFX) is not supported' };
  if (ascii(head, 0, 4) === 'OggS') {
    // The first page carries the codec's identification packet right after the 27-byte header and segment table.
    const body = 27 + (head[26] ?? 0);
    if (ascii(head, body, 7) === '\x01vorbis') return { format: 'ogg', offset: 0 };
    if (ascii(head, body, 8) === 'OpusHead') return { format: null, reason: 'Ogg Opus is not supported (only Ogg Vorbis)' };
    if (ascii(head, body, 5) === '\x7fFLAC') return { format: null, reason: 'FLAC inside Ogg is not supported (use native .flac)' };
    return { format: null, reason: 'Ogg stream with an unknown codec (only Ogg Vorbis is supported)' };
  }
  if (ascii(head, 0, 4) === 'fLaC') return { format: 'flac', offset: 0 };
  const frame = findMpegFrame(head, 0);
  // Tolerate a little junk before the first frame, not a random hit deep inside arbitrary bytes.
  if (frame && frame.at < 4096) return { format: 'mp3', offset: frame.at };
  return { format: null, reason: 'not a WAV, FLAC, MP3 or Ogg Vorbis file (unrecognised leading bytes)' };
}
