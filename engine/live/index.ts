export { LiveEngine, loadBufferSource, type LiveOptions, type LiveReport } from './live-engine.js';
export { LiveStat, LIVE_STAT_COUNT, type DspWorkerData, type LiveSource } from './live-shared.js';
export { SpectrumView, SpectrumTap, SPECTRUM_BANDS, spectrumBufferBytes } from './spectrum-tap.js';
export { FileTransport, TransportCommand } from './file-transport.js';
export { chooseHopInterval, type HopChoiceOptions } from './choose-hop-interval.js';
export { referenceRender, musicLike, maxStep, type ReferenceRenderOptions } from './reference-render.js';
