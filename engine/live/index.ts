export { LiveEngine, loadBufferSource, type LiveOptions, type LiveReport } from './live-engine.js';
export { LiveStat, LIVE_STAT_COUNT, type DspWorkerData, type LiveSource } from './live-shared.js';
