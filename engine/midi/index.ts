export { parseMidiMessage, encodeMidiEvent, formatMidiEvent, hexBytes, type MidiEvent, type MidiBytes } from './messages.js';
export { ccToDb, dbToCc, ccToRange, rangeToCc, DEFAULT_GAIN_CURVE, type GainCurve } from './gain-curve.js';
export {
  MidiConfigSchema, MidiMappingSchema, MidiTriggerSchema, MidiActionSchema, MidiFeedbackSchema, MidiChannelSchema, GainCurveSchema,
  parseMidiConfig, parseMidiMapping,
  type MidiConfig, type MidiConfigInput, type MidiMapping, type MidiMappingInput, type MidiTrigger, type MidiAction, type MidiFeedback, type MidiChannel,
} from './mapping-schema.js';
export { MidiMapper, mappingFromEvent, isSwitchAction, type FeedbackMessage, type MapperResult, type LearnRequest } from './mapper.js';
export { predictState, actionKey, resolveToggle } from './state-view.js';
export {
  loadMidiBinding, tryLoadMidiBinding, findPort, portNames,
  type MidiBinding, type MidiInputHandle, type MidiOutputHandle, type MidiMessageCallback,
} from './midi-binding.js';
export { MidiPorts, type MidiPortsOptions, type MidiPortStatus, type MidiStatus, type MidiDirection } from './midi-ports.js';
export { MidiController, type MidiControllerOptions, type MidiControlStats } from './midi-controller.js';
export { DEFAULT_MIDI_CONFIGS, defaultMidiConfigPath, loadDefaultMidiConfig, type DefaultMidiConfigName } from './default-mappings.js';
