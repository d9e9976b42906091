export { WorkflowExecutor, serializeError } from './executor.js';
export type { ExecutorOptions, StartRunOptions } from './executor.js';
export type { WorkflowGuard, WorkflowGuardRunContext, WorkflowGuardStepContext, RunTriggerKind } from './guard.js';
