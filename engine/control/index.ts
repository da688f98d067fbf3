export type { ControlAction, ControlTarget, EngineState, Toggle, TransportState } from './control-target.js';
export type { ControlHost, Telemetry } from './control-host.js';
export {
  PROTOCOL_VERSION, MAX_MESSAGE_BYTES, ERROR_REASONS, ProtocolError, parseClientMessage, encodeServerMessage,
  clientMessageSchema, serverMessageSchema, controlActionSchema, presetNameSchema,
  type ClientMessage, type ServerMessage, type ErrorReason, type EngineStatus, type PresetInfo, type OfflineJob,
} from './messages.js';
export { FrameKind, FRAME_MAGIC, encodeMetersFrame, encodeSpectrumFrame, decodeFrame, type DecodedFrame } from './binary-frames.js';
export { presetSchema, presetFromState, PRESET_FORMAT, PRESET_FORMAT_VERSION, type Preset } from './preset-schema.js';
export { PresetStore, defaultUserPresetDir, type PresetStoreOptions } from './preset-store.js';
export { EngineController, type EngineSettings, type EngineFactory, type LiveEngineLike, type EngineTransport, type EngineControllerOptions } from './engine-controller.js';
export { OfflineJobs, OFFLINE_STEMS, type OfflineJobsOptions, type SeparateFn } from './offline-jobs.js';
export { ControlServer, diffState, type ControlServerOptions } from './control-server.js';
export { resolveStaticPath } from './static-files.js';
