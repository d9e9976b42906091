export { runEventStream } from './stream.js';
export type { RunEventStreamOptions } from './stream.js';
export type { RunEvent, RunEventType } from '../store/types.js';
