/**
 * Types for @echogarden/speex-resampler-wasm (SpeexDSP's resample.c compiled to WASM by emscripten;
 * the package ships no declarations). Only what engine/dsp/resampler.ts uses. Pointers are byte
 * offsets into the module's memory; lengths are frames per channel.
 */
interface SpeexResamplerModule {
  /** Re-read after any allocation: a memory growth replaces the views. */
  readonly HEAPF32: Float32Array;
  readonly HEAPU32: Uint32Array;
  readonly HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _speex_resampler_init(nbChannels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
  _speex_resampler_destroy(st: number): void;
  /** in/out: interleaved float; inLenPtr/outLenPtr: uint32 frames, updated to consumed/produced. in = 0 feeds zeros. */
  _speex_resampler_process_interleaved_float(st: number, inPtr: number, inLenPtr: number, outPtr: number, outLenPtr: number): number;
  _speex_resampler_skip_zeros(st: number): number;
  _speex_resampler_get_input_latency(st: number): number;
  _speex_resampler_get_output_latency(st: number): number;
  _speex_resampler_strerror(err: number): number;
}

declare module '@echogarden/speex-resampler-wasm' {
  const factory: (moduleArg?: Record<string, unknown>) => Promise<SpeexResamplerModule>;
  export default factory;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  const factory: (moduleArg?: Record<string, unknown>) => Promise<SpeexResamplerModule>;
  export default factory;
}
