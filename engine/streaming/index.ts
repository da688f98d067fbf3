export { DirectInferencePort, type InferencePort } from './inference-port.js';
export { SampleFifo } from './sample-fifo.js';
export { StreamingSeparator, planLatency, type StreamingConfig, type StreamingCounters, type StreamingPlan } from './streaming-separator.js';
export { StreamingFileProcessor, type StreamingRenderOptions } from './streaming-file-processor.js';
export { WorkerInferencePort, type InferenceTimes, type WorkerPortOptions } from './worker-inference-port.js';
