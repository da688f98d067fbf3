/** Argument checks shared by the writers (user errors become SS_ERR_BAD_OPTION). */
import { StemstreamError } from '../errors.js';
import type { WriteOptions } from './audio-types.js';

/** libFLAC's limits: 1..8 channels, rates up to 655350 Hz. */
const FLAC_MAX_CHANNELS = 8;
const FLAC_MAX_RATE = 655350;

/** Validates writer options before any file is created. */
export function checkWriteOptions(path: string, opts: WriteOptions): void {
  const bad = (what: string): StemstreamError => new StemstreamError('SS_ERR_BAD_OPTION', `${path}: ${what}`);
  if (opts.format !== 'wav' && opts.format !== 'flac') throw bad(`unknown output format '${String(opts.format)}' (expected wav or flac)`);
  if (opts.bits !== 16 && opts.bits !== 24 && opts.bits !== 32) throw bad(`unsupported bit depth ${String(opts.bits)} (expected 16, 24 or 32)`);
  if (opts.format === 'flac' && opts.bits === 32) throw bad('FLAC output supports 16 or 24 bits, not 32 (use WAV for float32)');
  if (!Number.isInteger(opts.sampleRate) || opts.sampleRate < 1) throw bad(`invalid sample rate ${opts.sampleRate}`);
  if (opts.format === 'flac' && opts.sampleRate > FLAC_MAX_RATE) throw bad(`FLAC cannot store a sample rate of ${opts.sampleRate} Hz`);
  if (!Number.isInteger(opts.nbChannels) || opts.nbChannels < 1 || opts.nbChannels > 65535) throw bad(`invalid channel count ${opts.nbChannels}`);
  if (opts.format === 'flac' && opts.nbChannels > FLAC_MAX_CHANNELS) throw bad(`FLAC supports at most ${FLAC_MAX_CHANNELS} channels, got ${opts.nbChannels}`);
}

/** Checks one planar block: `nbChannels` arrays of equal length. Returns that length (frames). */
export function checkBlock(channels: Float32Array[], nbChannels: number, path: string): number {
  if (channels.length !== nbChannels) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `${path}: write() got ${channels.length} channels, the writer was opened for ${nbChannels}`);
  }
  const len = channels.length === 0 ? 0 : channels[0].length;
  for (const ch of channels) {
    if (ch.length !== len) throw new StemstreamError('SS_ERR_BAD_OPTION', `${path}: write() got channels of different lengths (${len} and ${ch.length})`);
  }
  return len;
}
