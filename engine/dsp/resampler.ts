/**
 * Sample-rate conversion with the SpeexDSP resampler (Jean-Marc Valin's resample.c, Kaiser-windowed
 * sinc, compiled to WASM by @echogarden/speex-resampler-wasm; the SIMD build where the runtime
 * supports WASM SIMD, the scalar build otherwise). One module instance is shared by every resampler
 * and instantiated on first use.
 *
 * Time alignment: the converter is started with `speex_resampler_skip_zeros`, so output sample k is
 * the band-limited input evaluated at time k * fromRate / toRate (no group delay in the output
 * timeline). Output k needs input up to k * fromRate / toRate + filterLength / 2, so in streaming use
 * the last ~filterLength / 2 input frames' output is withheld until more input arrives; that is the
 * latency reported by {@link StreamingResampler}. {@link resample} runs the same streaming code in
 * large blocks and flushes it, so offline and streaming outputs are the same samples.
 *
 * End of stream: the converter is fed zeros until exactly `Math.round(totalInput * toRate / fromRate)`
 * frames have come out.
 */
import { StemstreamError } from '../errors.js';

/** Speex resampler quality, 0 (fastest) to 10 (best). */
export type ConverterQuality = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * Quality level used everywhere. Level 8 (speexdsp's quality_map): a 160-tap sinc at the lower rate
 * (the tap count scales with the down-sampling factor), Kaiser window (β 10, ~100 dB stop band),
 * cutoff 0.96 of the lower Nyquist. Measured here: flat (< 0.01 dB) to 0.92 of Nyquist, −2.1 dB
 * at 0.95; aliases of 44.1/48/96 kHz → 22.05 kHz below −105 dB; round trips of content below
 * 9 kHz at 102–109 dB SNR; 20 s of 44.1 kHz stereo to 22.05 kHz and back in ~0.07 s (libsamplerate's
 * medium sinc, used before: ~0.64 s and −2.1 dB at 0.9 of Nyquist). Levels 9–10 accumulate in double
 * precision and are 3–4× slower; level 7 is −0.2 dB at 0.92 and hardly faster. Latency: half the
 * filter, 80 output frames 44.1 → 22.05 kHz, 160 back (3.6 ms each way). Ratios with a large
 * reduced denominator (48 kHz ↔ 22.05 kHz is 320/147) use speex's interpolated sinc table, four
 * multiply-adds per tap: about 5× the cost of 44.1 kHz (still ~2.5× faster than libsamplerate).
 */
export const RESAMPLER_QUALITY: ConverterQuality = 8;

export interface StreamingResampler {
  readonly nbChannels: number;
  /** Hz. */
  readonly fromRate: number;
  /** Hz. */
  readonly toRate: number;
  /** Input frames the converter holds back before their output appears (0 when rates are equal). */
  readonly latencyInputFrames: number;
  /**
   * The same delay in output frames: after any amount of input, output lags
   * `Math.round(totalIn * toRate / fromRate)` by at most this many frames until flush().
   */
  readonly latencyOutputFrames: number;
  /**
   * Converts the next block. Input: planar float32, `nbChannels` arrays of equal length (any length,
   * including 0). Output: planar float32, `nbChannels` arrays of equal length (may be 0 early on).
   * Allocates the output arrays (the WASM scratch buffers are reused): not for the audio thread.
   */
  process(input: Float32Array[]): Float32Array[];
  /**
   * Ends the stream: returns the withheld tail so that all outputs together hold exactly
   * `Math.round(totalInputFrames * toRate / fromRate)` frames. The resampler is destroyed afterwards.
   */
  flush(): Float32Array[];
  /** Frees the WASM converter and its buffers (flush() does it too). Safe to call twice. */
  destroy(): void;
}

type SpeexFactory = (moduleArg?: Record<string, unknown>) => Promise<SpeexResamplerModule>;

let speexModule: Promise<SpeexResamplerModule> | null = null;
let speexBuild: 'simd' | 'scalar' | null = null;

/** The shared WASM module: the SIMD build, or the scalar one where SIMD WASM does not instantiate. */
function loadSpeex(): Promise<SpeexResamplerModule> {
  speexModule ??= (async () => {
    try {
      const factory: SpeexFactory = (await import('@echogarden/speex-resampler-wasm/simd')).default;
      const m = await factory();
      speexBuild = 'simd';
      return m;
    } catch {
      const factory: SpeexFactory = (await import('@echogarden/speex-resampler-wasm')).default;
      const m = await factory();
      speexBuild = 'scalar';
      return m;
    }
  })().catch((e: unknown) => {
    speexModule = null; // let a later call try again
    throw new StemstreamError('SS_ERR_INTERNAL', `resampler: cannot instantiate the SpeexDSP WASM module: ${String(e)}`, { cause: e });
  });
  return speexModule;
}

/**
 * The shared WASM module: which build it runs ('simd', or 'scalar' where SIMD WASM does not
 * instantiate) and its memory in bytes (memory only grows: a steady value shows that destroyed
 * resamplers give their buffers back). Loads the module if needed.
 */
export async function resamplerWasmInfo(): Promise<{ build: 'simd' | 'scalar'; heapBytes: number }> {
  const m = await loadSpeex();
  return { build: speexBuild!, heapBytes: m.HEAPF32.buffer.byteLength };
}

function checkArgs(nbChannels: number, fromRate: number, toRate: number, quality: number): void {
  if (!Number.isInteger(nbChannels) || nbChannels < 1 || nbChannels > 128) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `resampler: channel count must be 1..128, got ${nbChannels}`);
  }
  for (const [name, rate] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
    if (!Number.isInteger(rate) || rate < 1 || rate > 768000) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `resampler: ${name} must be an integer rate in Hz (1..768000), got ${rate}`);
    }
  }
  // Beyond this the filter (its length grows with the down-sampling factor) gets impractically long.
  if (toRate / fromRate > 256 || fromRate / toRate > 256) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `resampler: ratio ${fromRate} -> ${toRate} Hz exceeds 256`);
  }
  if (!Number.isInteger(quality) || quality < 0 || quality > 10) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `resampler: quality must be an integer 0..10, got ${quality}`);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Interleaved samples per call into WASM: bounds the scratch buffers whatever the block sizes. */
const MAX_CALL_SAMPLES = 1 << 16;

class SpeexStreamingResampler implements StreamingResampler {
  readonly latencyInputFrames: number;
  readonly latencyOutputFrames: number;
  private st: number;
  /** Two uint32: input frames (in: offered, out: consumed), output frames (in: room, out: produced). */
  private lens: number;
  private inPtr = 0;
  private inCap = 0; // frames
  private outPtr = 0;
  private outCap = 0; // frames
  /** Input frames the filter needs beyond an output sample's own time (speex's filt_len / 2). */
  private readonly half: number;
  /** fromRate / toRate in lowest terms, as speex keeps it. */
  private readonly num: number;
  private readonly den: number;
  /** Input frames per process() call into WASM. */
  private readonly callFrames: number;
  private totalIn = 0;
  private totalOut = 0;

  constructor(
    private readonly m: SpeexResamplerModule,
    readonly nbChannels: number,
    readonly fromRate: number,
    readonly toRate: number,
    quality: ConverterQuality,
  ) {
    const g = gcd(fromRate, toRate);
    this.num = fromRate / g;
    this.den = toRate / g;
    this.lens = m._malloc(8);
    m.HEAP32[this.lens >> 2] = 0;
    this.st = m._speex_resampler_init(nbChannels, fromRate, toRate, quality, this.lens);
    const err = m.HEAP32[this.lens >> 2];
    if (this.st === 0 || err !== 0) {
      if (this.st !== 0) m._speex_resampler_destroy(this.st);
      m._free(this.lens);
      throw new StemstreamError('SS_ERR_INTERNAL', `resampler: speex_resampler_init(${nbChannels}, ${fromRate}, ${toRate}, ${quality}) failed with error ${err}`);
    }
    m._speex_resampler_skip_zeros(this.st);
    this.half = m._speex_resampler_get_input_latency(this.st);
    // Output withheld after n input frames: round(n·to/from) − ceil((n − half)·to/from) ≤ round(half·to/from).
    this.latencyOutputFrames = m._speex_resampler_get_output_latency(this.st);
    this.latencyInputFrames = Math.ceil((this.latencyOutputFrames * fromRate) / toRate);
    this.callFrames = Math.max(64, Math.floor(MAX_CALL_SAMPLES / (nbChannels * Math.max(1, toRate / fromRate))));
  }

  /** Total output frames speex has produced once it has been given n input frames (skip_zeros timeline). */
  private outputCount(n: number): number {
    const k = n - this.half;
    return k <= 0 ? 0 : Math.floor((k * this.den + this.num - 1) / this.num);
  }

  /** Grows the WASM scratch buffers (never per call once they are big enough). */
  private reserve(inFrames: number, outFrames: number): void {
    const m = this.m;
    const bytesPerFrame = 4 * this.nbChannels;
    if (inFrames > this.inCap) {
      if (this.inPtr) m._free(this.inPtr);
      this.inPtr = 0; this.inCap = 0;
      this.inPtr = m._malloc(inFrames * bytesPerFrame);
      if (!this.inPtr) throw new StemstreamError('SS_ERR_INTERNAL', 'resampler: WASM out of memory');
      this.inCap = inFrames;
    }
    if (outFrames > this.outCap) {
      if (this.outPtr) m._free(this.outPtr);
      this.outPtr = 0; this.outCap = 0;
      this.outPtr = m._malloc(outFrames * bytesPerFrame);
      if (!this.outPtr) throw new StemstreamError('SS_ERR_INTERNAL', 'resampler: WASM out of memory');
      this.outCap = outFrames;
    }
  }

  /**
   * Runs speex on `n` frames already interleaved in the input scratch from frame `from` on (`n` zeros
   * when `zeros`), at most `room` output frames, written into `out` from frame `at` on.
   * Returns [consumed, produced]. Speex consumes nothing when `room` is 0, even where the input
   * would produce no output.
   */
  private convert(from: number, n: number, zeros: boolean, room: number, out: Float32Array[], at: number): [number, number] {
    const m = this.m;
    const u32 = m.HEAPU32;
    u32[this.lens >> 2] = n;
    u32[(this.lens >> 2) + 1] = Math.min(room, this.outCap);
    const inPtr = zeros ? 0 : this.inPtr + from * 4 * this.nbChannels;
    m._speex_resampler_process_interleaved_float(this.st, inPtr, this.lens, this.outPtr, this.lens + 4);
    const consumed = u32[this.lens >> 2];
    const produced = u32[(this.lens >> 2) + 1];
    if (at + produced > out[0].length) throw new StemstreamError('SS_ERR_INTERNAL', `resampler: speex produced more than the ${out[0].length} frames expected`);
    const heap = m.HEAPF32;
    const nb = this.nbChannels;
    const base = this.outPtr >> 2;
    if (nb === 1) {
      out[0].set(heap.subarray(base, base + produced), at);
    } else {
      for (let c = 0; c < nb; c++) {
        const d = out[c];
        for (let i = 0, p = base + c; i < produced; i++, p += nb) d[at + i] = heap[p];
      }
    }
    return [consumed, produced];
  }

  process(input: Float32Array[]): Float32Array[] {
    const nb = this.nbChannels;
    if (input.length !== nb) {
      throw new StemstreamError('SS_ERR_BAD_OPTION', `resampler: got ${input.length} channels, expected ${nb}`);
    }
    const len = input[0].length;
    for (const ch of input) if (ch.length !== len) throw new StemstreamError('SS_ERR_BAD_OPTION', 'resampler: channels of different lengths');
    if (!this.st) throw new StemstreamError('SS_ERR_INTERNAL', 'resampler used after flush()/destroy()');
    const want = this.outputCount(this.totalIn + len) - this.totalOut;
    const out = Array.from({ length: nb }, () => new Float32Array(want));
    if (len === 0) return out;
    const block = Math.min(len, this.callFrames);
    // Room for any block's output; the count is exact (outputCount) but allow slack for safety.
    this.reserve(block, Math.ceil((block * this.den) / this.num) + 2);
    let done = 0;
    let made = 0;
    for (let at = 0; at < len;) {
      const n = Math.min(block, len - at);
      const heap = this.m.HEAPF32;
      const base = this.inPtr >> 2;
      if (nb === 1) {
        heap.set(input[0].subarray(at, at + n), base);
      } else {
        for (let c = 0; c < nb; c++) {
          const src = input[c];
          for (let i = 0, p = base + c; i < n; i++, p += nb) heap[p] = src[at + i];
        }
      }
      // One call normally consumes the whole block; loop in case the output room ran out first.
      let fed = 0;
      let guard = 0;
      while (fed < n) {
        const [consumed, produced] = this.convert(fed, n - fed, false, this.outCap, out, made);
        fed += consumed;
        made += produced;
        if (++guard > 64 || (consumed === 0 && produced === 0)) throw new StemstreamError('SS_ERR_INTERNAL', `resampler: speex stalled (${made} of ${want} frames)`);
      }
      done += n;
      at += n;
    }
    if (made !== want) throw new StemstreamError('SS_ERR_INTERNAL', `resampler: speex produced ${made} frames, expected ${want}`);
    this.totalIn += done;
    this.totalOut += made;
    return out;
  }

  flush(): Float32Array[] {
    if (!this.st) throw new StemstreamError('SS_ERR_INTERNAL', 'resampler used after flush()/destroy()');
    const target = Math.round((this.totalIn * this.den) / this.num);
    const want = Math.max(0, target - this.totalOut);
    const out = Array.from({ length: this.nbChannels }, () => new Float32Array(want));
    try {
      if (want > 0) {
        this.reserve(0, want);
        // Zeros past the end: enough for the last wanted output's filter support (its time is below
        // totalIn + from/(2·to)), and the output room stops speex at exactly `want` frames.
        const zeros = this.half + Math.ceil(this.num / this.den) + 2;
        let made = 0;
        for (let guard = 0; made < want; guard++) {
          if (guard > 8) throw new StemstreamError('SS_ERR_INTERNAL', `resampler: flush produced ${made} of ${want} frames`);
          made += this.convert(0, zeros, true, want - made, out, made)[1];
        }
      }
      this.totalOut += want;
      return out;
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    if (!this.st) return;
    const m = this.m;
    m._speex_resampler_destroy(this.st);
    this.st = 0;
    if (this.inPtr) m._free(this.inPtr);
    if (this.outPtr) m._free(this.outPtr);
    m._free(this.lens);
    this.inPtr = this.outPtr = this.lens = 0;
    this.inCap = this.outCap = 0;
  }
}

/**
 * Creates a streaming resampler for planar float32 audio.
 * @param quality speex quality level; defaults to {@link RESAMPLER_QUALITY}.
 * @throws StemstreamError SS_ERR_BAD_OPTION for invalid channel counts, rates or quality.
 */
export async function createStreamingResampler(nbChannels: number, fromRate: number, toRate: number, quality: ConverterQuality = RESAMPLER_QUALITY): Promise<StreamingResampler> {
  checkArgs(nbChannels, fromRate, toRate, quality);
  if (fromRate === toRate) return identityResampler(nbChannels, fromRate);
  return new SpeexStreamingResampler(await loadSpeex(), nbChannels, fromRate, toRate, quality);
}

function identityResampler(nbChannels: number, rate: number): StreamingResampler {
  return {
    nbChannels, fromRate: rate, toRate: rate, latencyInputFrames: 0, latencyOutputFrames: 0,
    process: (input) => {
      if (input.length !== nbChannels) throw new StemstreamError('SS_ERR_BAD_OPTION', `resampler: got ${input.length} channels, expected ${nbChannels}`);
      return input.map((ch) => ch.slice());
    },
    flush: () => Array.from({ length: nbChannels }, () => new Float32Array(0)),
    destroy: () => undefined,
  };
}

/**
 * Resamples planar float32 audio (`channels[c][frame]`, equal lengths) from `fromRate` to `toRate` Hz.
 * @returns planar float32 with exactly `Math.round(len * toRate / fromRate)` frames per channel,
 *   time-aligned (output frame k = input time k * fromRate / toRate, no group delay).
 *   Equal rates return copies of the input.
 */
export async function resample(channels: Float32Array[], fromRate: number, toRate: number, quality: ConverterQuality = RESAMPLER_QUALITY): Promise<Float32Array[]> {
  if (channels.length === 0) return [];
  const r = await createStreamingResampler(channels.length, fromRate, toRate, quality);
  try {
    const len = channels[0].length;
    const want = Math.round((len * toRate) / fromRate);
    const out = Array.from({ length: channels.length }, () => new Float32Array(want));
    let at = 0;
    const take = (y: Float32Array[]): void => {
      const n = Math.min(y[0].length, want - at);
      for (let c = 0; c < out.length; c++) out[c].set(y[c].subarray(0, n), at);
      at += n;
    };
    // Big blocks keep the temporary output arrays bounded and the per-call overhead negligible.
    const step = 1 << 18;
    for (let i = 0; i < len; i += step) take(r.process(channels.map((ch) => ch.subarray(i, Math.min(len, i + step)))));
    take(r.flush());
    return out;
  } finally {
    r.destroy();
  }
}
