export { RingBuffer, type RingArray, type RingArrayConstructor, type WritableArrayLike } from './ring-buffer.js';
export { AudioRing } from './audio-ring.js';
export { ParamRing, type ParamMessage } from './param-ring.js';
export { siblingModuleUrl, startSiblingWorker } from './sibling-worker.js';
export { NICE, setThreadNice } from './thread-priority.js';
