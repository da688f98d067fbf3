export { bssEvalSources, BssReferences, BSS_FILTER_LENGTH, MAX_PERMUTED_SOURCES, type BssEvalOptions, type BssEvalResult } from './bss-eval.js';
export { siSdr, siSdrFramewise, type SiSdrOptions, type FramewiseOptions } from './si-sdr.js';
export { plainSdr, PLAIN_SDR_EPSILON } from './plain-sdr.js';
export { ORACLE_MASK_FORMULAS, ORACLE_MASK_KINDS, oracleMaskSeparation, type OracleMaskKind } from './oracle-mask.js';
export { listTracks, readWav, type DatasetListing, type PlanarAudio, type TrackFiles } from './dataset.js';
export { evaluateDataset, evaluateTrack, prepareTrack, type EvaluateOptions, type PreparedTrack, type Separator } from './evaluate.js';
export {
  formatDb,
  oracleLabel,
  jsonNumbers,
  manifestMetrics,
  nanMedian,
  summarise,
  toJson,
  toMarkdown,
  type EvalMedians,
  type EvalReport,
  type StemMetrics,
  type StemPairMedians,
  type SystemMetrics,
  type TrackResult,
} from './report.js';
export { compareReports, meanReport, comparisonMarkdown, parseReport, type Comparison, type PairedStat, type StemComparison } from './compare.js';
