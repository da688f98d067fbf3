/**
 * The seam between the stream logic (pump, supervisor) and a concrete audio backend (audify /
 * RtAudio, the headless null clock, or a fake in tests). Everything here runs on the audio
 * worker thread.
 */

/** RtAudio API ids (audify's typings use a `declare const enum`, unusable under isolatedModules). */
export const RtAudioApi = {
  UNSPECIFIED: 0,
  MACOSX_CORE: 1,
  LINUX_ALSA: 2,
  UNIX_JACK: 3,
  LINUX_PULSE: 4,
  LINUX_OSS: 5,
  WINDOWS_ASIO: 6,
  WINDOWS_WASAPI: 7,
  WINDOWS_DS: 8,
  RTAUDIO_DUMMY: 9,
} as const;

/** User-facing API names (CLI `--api`) → RtAudio ids. `null` is the headless timer clock. */
export const AUDIO_API_NAMES = {
  default: RtAudioApi.UNSPECIFIED,
  jack: RtAudioApi.UNIX_JACK,
  alsa: RtAudioApi.LINUX_ALSA,
  pulse: RtAudioApi.LINUX_PULSE,
  oss: RtAudioApi.LINUX_OSS,
  coreaudio: RtAudioApi.MACOSX_CORE,
  asio: RtAudioApi.WINDOWS_ASIO,
  wasapi: RtAudioApi.WINDOWS_WASAPI,
  directsound: RtAudioApi.WINDOWS_DS,
} as const;
export type AudioApiName = keyof typeof AUDIO_API_NAMES | 'null';

export const SUPPORTED_SAMPLE_RATES = [44100, 48000, 96000] as const;
export const MIN_BUFFER_FRAMES = 64;
export const MAX_BUFFER_FRAMES = 1024;

/** What to open. Channel counts of 0 mean "no input" / "no output". */
export interface BackendStreamConfig {
  api: AudioApiName;
  /** Backend device id; undefined = the API's default device. */
  inputDevice?: number;
  outputDevice?: number;
  sampleRate: number;
  /** Requested period in frames; the backend may choose another (see BackendStream.bufferFrames). */
  bufferFrames: number;
  inputChannels: 0 | 2;
  outputChannels: 0 | 2 | 4;
  /** Client name (JACK shows it as the port prefix). */
  streamName: string;
  /** JACK: connect to the system ports automatically (default true). */
  autoConnect: boolean;
}

/** Called by the backend on the worker's JS thread. */
export interface BackendCallbacks {
  /** One period of input, **interleaved** (frame-major), inputChannels × bufferFrames floats. */
  onInput(interleaved: Float32Array): void;
  /** The device took one queued output block (used to clock output-only streams). */
  onOutputConsumed(): void;
  /** A backend error or warning; `fatal` means the stream is gone. */
  onError(message: string, fatal: boolean): void;
}

export interface BackendStream {
  /** Period actually used, in frames. */
  readonly bufferFrames: number;
  /** Display name of the API in use (e.g. "Jack"). */
  readonly apiName: string;
  start(): void;
  /** Queue one output block: **interleaved**, outputChannels × bufferFrames floats. Copied. */
  write(interleaved: Float32Array): void;
  /** False once the device disappeared or the stream was closed under us. */
  isAlive(): boolean;
  /** Seconds of audio the device has clocked since start (drives underflow accounting). */
  streamTime(): number;
  close(): void;
}

export interface AudioBackend {
  /** Open a stream; throws (any Error) when the device or server is not available. */
  open(config: BackendStreamConfig, callbacks: BackendCallbacks): BackendStream;
}
