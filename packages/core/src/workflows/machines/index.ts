export { runMachine, stepMachine, runLifecycle, stepLifecycle, TERMINAL_RUN } from './lifecycles.js';
export type { RunStatus, RunEventType, StepStatus, StepEventType } from './lifecycles.js';
