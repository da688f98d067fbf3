import { describeError } from '../errors.js';
import { AUDIO_API_NAMES, RtAudioApi, type AudioApiName } from './backend.js';
import { createRtAudio, loadRtAudio, type RtDeviceInfo } from './audify-backend.js';

export interface AudioDeviceInfo {
  /** Id to pass as inputDevice / outputDevice. */
  id: number;
  name: string;
  inputChannels: number;
  outputChannels: number;
  isDefaultInput: boolean;
  isDefaultOutput: boolean;
  sampleRates: number[];
  preferredSampleRate: number;
}

export interface AudioSystemInfo {
  /** Name for `--api`. */
  api: AudioApiName;
  /** Whether this build of the audio library includes the API. */
  compiled: boolean;
  devices: AudioDeviceInfo[];
  /** Why the API could not be queried (library missing, server not running…). */
  error?: string;
}

/** APIs worth probing on this platform. */
export function platformApis(platform: NodeJS.Platform = process.platform): Exclude<AudioApiName, 'null' | 'default'>[] {
  if (platform === 'darwin') return ['coreaudio', 'jack'];
  if (platform === 'win32') return ['wasapi', 'asio', 'directsound'];
  return ['jack', 'alsa', 'pulse', 'oss'];
}

/**
 * Probe each audio API and list its devices. Never throws: an API that is missing or whose
 * server is down is reported with `compiled`/`error`. The headless `null` API is always listed.
 */
export function listAudioSystems(apis: readonly AudioApiName[] = platformApis()): AudioSystemInfo[] {
  let libraryError: string | undefined;
  try {
    loadRtAudio();
  } catch (e) {
    libraryError = describeError(e);
  }
  const out: AudioSystemInfo[] = [];
  for (const api of apis) {
    if (api === 'null') continue;
    if (libraryError !== undefined) {
      out.push({ api, compiled: false, devices: [], error: libraryError });
      continue;
    }
    const id = AUDIO_API_NAMES[api];
    let rt;
    try {
      rt = createRtAudio(id);
    } catch (e) {
      out.push({ api, compiled: id === RtAudioApi.UNSPECIFIED, devices: [], error: describeError(e) });
      continue;
    }
    try {
      const devices = rt.getDevices().map(toInfo);
      out.push({ api, compiled: true, devices, ...(devices.length === 0 ? { error: noDevicesHint(api) } : {}) });
    } catch (e) {
      out.push({ api, compiled: true, devices: [], error: describeError(e) });
    }
  }
  out.push({
    api: 'null',
    compiled: true,
    devices: [{ id: 0, name: 'null (headless clock, no sound)', inputChannels: 2, outputChannels: 4, isDefaultInput: true, isDefaultOutput: true, sampleRates: [44100, 48000, 96000], preferredSampleRate: 48000 }],
  });
  return out;
}

function toInfo(d: RtDeviceInfo): AudioDeviceInfo {
  return {
    id: d.id,
    name: d.name,
    inputChannels: d.inputChannels,
    outputChannels: d.outputChannels,
    isDefaultInput: Boolean(d.isDefaultInput),
    isDefaultOutput: Boolean(d.isDefaultOutput),
    sampleRates: [...d.sampleRates],
    preferredSampleRate: d.preferredSampleRate,
  };
}

function noDevicesHint(api: AudioApiName): string {
  if (api === 'jack') return 'no JACK server is running (start one, e.g. `.ci/virtual-audio.sh start`)';
  return 'no devices found';
}

/** Human-readable listing for `stemstream devices`. */
export function formatAudioSystems(systems: readonly AudioSystemInfo[]): string {
  const lines: string[] = [];
  for (const s of systems) {
    if (!s.compiled) {
      lines.push(`${s.api}: not available (${s.error ?? 'not compiled in'})`);
      continue;
    }
    lines.push(`${s.api}:${s.devices.length === 0 ? ` ${s.error ?? 'no devices'}` : ''}`);
    for (const d of s.devices) {
      const flags = [d.isDefaultInput ? 'default in' : '', d.isDefaultOutput ? 'default out' : ''].filter(Boolean).join(', ');
      lines.push(`  [${d.id}] ${d.name}  in ${d.inputChannels} / out ${d.outputChannels}  rates ${d.sampleRates.join(',')}${flags ? `  (${flags})` : ''}`);
    }
  }
  const usable = systems.some((s) => s.api !== 'null' && s.devices.length > 0);
  if (!usable) lines.push('no audio device found: live mode can still run headless with --api null');
  return `${lines.join('\n')}\n`;
}
