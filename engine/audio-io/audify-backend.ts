import { createRequire } from 'node:module';
import { StemstreamError, describeError } from '../errors.js';
import { AUDIO_API_NAMES, RtAudioApi, type AudioBackend, type BackendCallbacks, type BackendStream, type BackendStreamConfig } from './backend.js';

/** The part of audify's RtAudio we use (its own typings use const enums, so we restate it). */
interface RtAudioLike {
  streamTime: number;
  openStream(
    output: { deviceId?: number; nChannels: number } | null,
    input: { deviceId?: number; nChannels: number } | null,
    format: number,
    sampleRate: number,
    frameSize: number,
    streamName: string,
    inputCallback: ((data: Buffer) => void) | null,
    frameOutputCallback: (() => void) | null,
    flags?: number,
    errorCallback?: ((type: number, msg: string) => void) | null,
  ): number;
  closeStream(): void;
  isStreamOpen(): boolean;
  isStreamRunning(): boolean;
  start(): void;
  stop(): void;
  write(pcm: Buffer): void;
  getApi(): string;
  getDevices(): RtDeviceInfo[];
  getDefaultInputDevice(): number;
  getDefaultOutputDevice(): number;
}

export interface RtDeviceInfo {
  id: number;
  name: string;
  outputChannels: number;
  inputChannels: number;
  duplexChannels: number;
  isDefaultOutput: number | boolean;
  isDefaultInput: number | boolean;
  sampleRates: number[];
  preferredSampleRate: number;
}

type RtAudioCtor = new (api?: number) => RtAudioLike;

const RTAUDIO_FLOAT32 = 0x10;
const RTAUDIO_JACK_DONT_CONNECT = 0x20;
// RtAudioErrorType values after which the stream is unusable
const ERROR_DRIVER = 8;
const ERROR_SYSTEM = 9;
const ERROR_THREAD = 10;

/** RtAudio's display name for each API id (RtAudio::getApiDisplayName). */
const API_DISPLAY_NAMES: Record<number, string> = {
  [RtAudioApi.MACOSX_CORE]: 'CoreAudio',
  [RtAudioApi.LINUX_ALSA]: 'ALSA',
  [RtAudioApi.UNIX_JACK]: 'Jack',
  [RtAudioApi.LINUX_PULSE]: 'Pulse',
  [RtAudioApi.LINUX_OSS]: 'OpenSoundSystem',
  [RtAudioApi.WINDOWS_ASIO]: 'ASIO',
  [RtAudioApi.WINDOWS_WASAPI]: 'WASAPI',
  [RtAudioApi.WINDOWS_DS]: 'DirectSound',
  [RtAudioApi.RTAUDIO_DUMMY]: 'Dummy',
};

let cached: RtAudioCtor | undefined;

/**
 * Load audify's native addon. Throws SS_ERR_DEVICE with a how-to-fix message when the addon is
 * missing or was not built (npm 11 skips its install script unless allowed).
 */
export function loadRtAudio(): RtAudioCtor {
  if (cached !== undefined) return cached;
  try {
    const req = createRequire(import.meta.url);
    const mod = req('audify') as { RtAudio: RtAudioCtor };
    cached = mod.RtAudio;
    return cached;
  } catch (e) {
    throw new StemstreamError(
      'SS_ERR_DEVICE',
      `the audio library (audify) could not be loaded: ${describeError(e)}. ` +
        'Build it with `npm rebuild audify` (needs cmake, a C++ compiler, libasound2-dev and libjack-jackd2-dev).',
      { cause: e },
    );
  }
}

/**
 * Make an RtAudio instance bound to exactly `api`. RtAudio silently falls back to another API
 * when the requested one was not compiled in; we refuse that instead.
 */
export function createRtAudio(api: number): RtAudioLike {
  const RtAudio = loadRtAudio();
  const rt = new RtAudio(api);
  if (api !== RtAudioApi.UNSPECIFIED && rt.getApi() !== API_DISPLAY_NAMES[api]) {
    throw new StemstreamError('SS_ERR_DEVICE', `this build of audify has no ${API_DISPLAY_NAMES[api] ?? `API ${api}`} support (got ${rt.getApi()}); rebuild it with \`npm rebuild audify\` after installing the API's development package`);
  }
  return rt;
}

/** Whether audify was compiled with the given API (e.g. RtAudioApi.UNIX_JACK). */
export function isApiCompiled(api: number): boolean {
  try {
    createRtAudio(api);
    return true;
  } catch {
    return false;
  }
}

function apiId(config: BackendStreamConfig): number {
  if (config.api === 'null') throw new StemstreamError('SS_ERR_INTERNAL', 'the null API is not an audify API');
  return AUDIO_API_NAMES[config.api];
}

/**
 * Streams through audify (RtAudio). Float32 interleaved. One RtAudio instance per opened
 * stream, so a stream that died with its audio server leaves nothing stale behind.
 * Note: audify allocates one Buffer per input period (its API); we wrap it without copying.
 */
export class AudifyBackend implements AudioBackend {
  open(config: BackendStreamConfig, callbacks: BackendCallbacks): BackendStream {
    const rt = createRtAudio(apiId(config));
    const out = config.outputChannels > 0 ? { ...(config.outputDevice !== undefined ? { deviceId: config.outputDevice } : {}), nChannels: config.outputChannels } : null;
    const inp = config.inputChannels > 0 ? { ...(config.inputDevice !== undefined ? { deviceId: config.inputDevice } : {}), nChannels: config.inputChannels } : null;
    if (out === null && inp === null) throw new StemstreamError('SS_ERR_BAD_OPTION', 'a stream needs input or output channels');
    let frames: number;
    try {
      frames = rt.openStream(
        out,
        inp,
        RTAUDIO_FLOAT32,
        config.sampleRate,
        config.bufferFrames,
        config.streamName,
        inp === null
          ? null
          : guarded(callbacks, (buf: Buffer) => {
              // audify's Buffer copies are fresh allocations, so normally 4-byte aligned
              const view = buf.byteOffset % 4 === 0 ? new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength >> 2) : new Float32Array(Uint8Array.from(buf).buffer);
              callbacks.onInput(view);
            }),
        out === null ? null : guarded(callbacks, () => callbacks.onOutputConsumed()),
        config.autoConnect ? 0 : RTAUDIO_JACK_DONT_CONNECT,
        (type: number, msg: string) => callbacks.onError(msg, type === ERROR_DRIVER || type === ERROR_SYSTEM || type === ERROR_THREAD),
      );
    } catch (e) {
      throw new StemstreamError('SS_ERR_DEVICE', `cannot open the ${rt.getApi()} audio stream at ${config.sampleRate} Hz, ${config.bufferFrames} frames: ${describeError(e)}`, { cause: e });
    }
    return new AudifyStream(rt, frames);
  }
}

/**
 * audify calls these through N-API thread-safe functions: an exception escaping one becomes a C++
 * Napi::Error with no JS frame to catch it, and the process aborts. Report it instead (as a
 * non-fatal stream error: the supervisor's watchdog still sees a dead stream).
 */
function guarded<A extends unknown[]>(callbacks: BackendCallbacks, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (e) {
      callbacks.onError(`audio callback failed: ${describeError(e)}`, false);
    }
  };
}

class AudifyStream implements BackendStream {
  readonly apiName: string;
  private lastArray: Float32Array | null = null;
  private lastBuffer: Buffer | null = null;

  constructor(private readonly rt: RtAudioLike, readonly bufferFrames: number) {
    this.apiName = rt.getApi();
  }

  start(): void {
    this.rt.start();
  }

  write(interleaved: Float32Array): void {
    // audify copies on write, so one Buffer view over the caller's scratch block is enough
    if (this.lastArray !== interleaved) {
      this.lastArray = interleaved;
      this.lastBuffer = Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength);
    }
    this.rt.write(this.lastBuffer as Buffer);
  }

  isAlive(): boolean {
    return this.rt.isStreamOpen() && this.rt.isStreamRunning();
  }

  streamTime(): number {
    return this.rt.streamTime;
  }

  close(): void {
    try {
      if (this.rt.isStreamRunning()) this.rt.stop();
    } finally {
      if (this.rt.isStreamOpen()) this.rt.closeStream();
    }
  }
}
