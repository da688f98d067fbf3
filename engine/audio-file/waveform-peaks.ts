/**
 * A waveform overview of an audio file: the lowest and highest sample (over all channels) in each
 * of about `bins` equal slices of the file, for drawing the whole song at once (the UI's
 * transport). Computed by streaming the file through the readers, so memory is O(bins) whatever
 * the file's length; files whose length the header does not give (MP3) are binned finely and
 * the bins merged pairwise as the file turns out longer.
 */
import type { AudioReader } from './audio-types.js';
import { openAudio } from './open-audio.js';

/** Bins of an overview unless asked otherwise: about one per pixel of a wide screen. */
export const DEFAULT_PEAK_BINS = 1600;

export interface WaveformPeaks {
  /** Hz of the file (bins are in its frames). */
  sampleRate: number;
  /** Frames in the file. */
  frames: number;
  /** Frames each bin covers (the last one may cover fewer). */
  framesPerBin: number;
  /** Per bin: the lowest and the highest sample over all channels (the same length, ≤ the bins asked for). */
  min: Float32Array;
  max: Float32Array;
}

/**
 * Accumulates min/max bins from planar blocks. Known length: `ceil(frames / bins)` frames a bin,
 * at most `bins` bins. Unknown length: one frame a bin to start with, and whenever a bin past
 * `bins` would open, neighbours merge and the bins double in length (between bins/2 and bins
 * bins at the end).
 */
export class WaveformPeaksBuilder {
  private readonly bins: number;
  private framesPerBin: number;
  private readonly mins: Float32Array;
  private readonly maxs: Float32Array;
  /** Bins opened so far (the last one may be partial). */
  private count = 0;
  /** Frames pushed so far. */
  private frames = 0;

  /**
   * @param bins  most bins to keep (≥ 1)
   * @param totalFrames  the file's length when known up front, else null
   */
  constructor(bins: number, totalFrames: number | null) {
    if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`waveform bins must be a positive integer, got ${bins}`);
    this.bins = bins;
    this.framesPerBin = totalFrames !== null && totalFrames > 0 ? Math.ceil(totalFrames / bins) : 1;
    this.mins = new Float32Array(bins);
    this.maxs = new Float32Array(bins);
  }

  /** Adds the next block (planar, equal lengths; any channel count). */
  push(channels: Float32Array[]): void {
    const n = channels.length === 0 ? 0 : channels[0].length;
    let i = 0;
    while (i < n) {
      let bin = Math.floor(this.frames / this.framesPerBin);
      while (bin >= this.bins) {
        this.mergePairs();
        bin = Math.floor(this.frames / this.framesPerBin);
      }
      const take = Math.min(n - i, (bin + 1) * this.framesPerBin - this.frames);
      let lo = Infinity;
      let hi = -Infinity;
      for (const ch of channels) {
        for (let k = i; k < i + take; k++) {
          const v = ch[k];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (bin >= this.count) {
        this.count = bin + 1;
        this.mins[bin] = lo;
        this.maxs[bin] = hi;
      } else {
        if (lo < this.mins[bin]) this.mins[bin] = lo;
        if (hi > this.maxs[bin]) this.maxs[bin] = hi;
      }
      i += take;
      this.frames += take;
    }
  }

  /** Halves the bins: each new bin is the union of two old ones. */
  private mergePairs(): void {
    const half = Math.ceil(this.count / 2);
    for (let b = 0; b < half; b++) {
      const a = 2 * b;
      const c = Math.min(a + 1, this.count - 1);
      this.mins[b] = Math.min(this.mins[a], this.mins[c]);
      this.maxs[b] = Math.max(this.maxs[a], this.maxs[c]);
    }
    this.count = half;
    this.framesPerBin *= 2;
  }

  finish(sampleRate: number): WaveformPeaks {
    return {
      sampleRate,
      frames: this.frames,
      framesPerBin: this.framesPerBin,
      min: this.mins.slice(0, this.count),
      max: this.maxs.slice(0, this.count),
    };
  }
}

/** Frames per read while scanning a file. */
const READ_FRAMES = 1 << 16;

/** The overview of what `reader` has left to read (it is read to its end, not closed). */
export async function readerPeaks(reader: AudioReader, bins = DEFAULT_PEAK_BINS): Promise<WaveformPeaks> {
  const builder = new WaveformPeaksBuilder(bins, reader.info.nbFrames);
  for (let b = await reader.read(READ_FRAMES); b !== null; b = await reader.read(READ_FRAMES)) builder.push(b);
  return builder.finish(reader.info.sampleRate);
}

/**
 * The overview of an audio file (WAV, FLAC, MP3, Ogg), streamed.
 * @throws StemstreamError as openAudio does (missing, unreadable or corrupt file)
 */
export async function filePeaks(path: string, bins = DEFAULT_PEAK_BINS): Promise<WaveformPeaks> {
  const reader = await openAudio(path);
  try {
    return await readerPeaks(reader, bins);
  } finally {
    await reader.close();
  }
}
