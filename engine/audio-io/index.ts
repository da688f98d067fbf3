export { AudioDevice, type AudioDeviceOptions, type AudioDeviceEvents } from './audio-device.js';
export {
  RtAudioApi, AUDIO_API_NAMES, type AudioApiName, SUPPORTED_SAMPLE_RATES, MIN_BUFFER_FRAMES, MAX_BUFFER_FRAMES,
  type AudioBackend, type BackendStream, type BackendStreamConfig, type BackendCallbacks,
} from './backend.js';
export { Counter, COUNTER_COUNT, DeviceState, type DeviceStateName, type DeviceStats, createCounters, readStats } from './device-counters.js';
export { AudifyBackend, isApiCompiled, loadRtAudio } from './audify-backend.js';
export { NullBackend } from './null-backend.js';
export { BufferSource } from './buffer-source.js';
export { listAudioSystems, formatAudioSystems, platformApis, type AudioSystemInfo, type AudioDeviceInfo } from './devices.js';
export { StreamPump } from './stream-pump.js';
export { StreamSupervisor, type DeviceEvent, type Clock, type SupervisorOptions } from './stream-supervisor.js';
