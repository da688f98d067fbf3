export { MaskStitcher, chunkWeights, type StitchOptions } from './mask-stitcher.js';
export { OfflineSeparator, separateChannels, separatorModel, type SeparatorModel, type SeparatorOptions, type StemSink, type StemProcessor, type ProcessorFactory } from './offline-separator.js';
export { separateFile, type SeparateFileOptions, type SeparateFileResult } from './separate-file.js';
