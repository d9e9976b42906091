export { systemClock, backoffDelay } from './clock.js';
export type { WorkflowClock } from './clock.js';
