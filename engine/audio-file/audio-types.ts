/**
 * Shapes shared by the audio-file readers and writers. Audio is always planar float32
 * (`channels[c][frame]`), nominally in [-1, 1]; float sources are passed through unclipped.
 */

/** Container/codec of a file, as detected from its magic bytes (never from its extension). */
export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg';

export interface AudioInfo {
  format: AudioFormat;
  /** Hz. */
  sampleRate: number;
  nbChannels: number;
  /** Frames (samples per channel); null when unknown up front (MP3 without decoding it whole). */
  nbFrames: number | null;
  /** Bits per stored sample (WAV container bits, FLAC bits); null for lossy codecs. */
  bitsPerSample: number | null;
  sampleFormat: 'int' | 'float' | 'compressed';
  /** Recoverable problems found while opening, e.g. a WAV data chunk shorter than declared. */
  warnings?: string[];
}

export interface AudioReader {
  readonly info: AudioInfo;
  /**
   * Next block of audio: planar float32, `nbChannels` arrays of equal length, 1..maxFrames frames each.
   * Resolves to null at end of stream. Each call returns fresh arrays the caller may keep.
   */
  read(maxFrames: number): Promise<Float32Array[] | null>;
  /** Releases the file handle and decoder. Safe to call twice. */
  close(): Promise<void>;
}

/** wav: 16/24 = signed int PCM, 32 = IEEE float32. flac: 16/24 only. */
export interface WriteOptions {
  format: 'wav' | 'flac';
  bits: 16 | 24 | 32;
  /** Hz. */
  sampleRate: number;
  nbChannels: number;
}

export interface AudioWriter {
  /** Appends planar float32 audio: `nbChannels` arrays of equal length (frames). */
  write(channels: Float32Array[]): Promise<void>;
  /** Finishes the file (patches sizes/STREAMINFO) and releases it. Safe to call twice. */
  close(): Promise<void>;
}
