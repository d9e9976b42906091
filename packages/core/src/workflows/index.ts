// Workflows: the durable executor (DESIGN §3). Public surface only; internals stay in their folders.
import { assertWorkflowsOptions } from './options.js';
import { MemoryWorkflowStore } from './store/memory.js';
import { createWorkflowRuntime, type WorkflowRuntime, type WorkflowsOptions } from './runtime.js';
import type { Logger } from '../config/logger.js';

export { defineAction } from './actions/index.js';
export type { Action, ActionRunContext, AnyAction, DefineActionOptions, HttpActionOptions, HttpResponse, CodeActionOptions } from './actions/index.js';
export { workflowDefinitionSchema } from './definitions/index.js';
export type { RetryPolicy, StepDefinition, TriggerDefinition, WorkflowDefinition, WorkflowDefinitionInput } from './definitions/index.js';
export { runMachine, stepMachine } from './machines/index.js';
export type { RunStatus, StepStatus } from './machines/index.js';
export type { WorkflowGuard, WorkflowGuardRunContext, WorkflowGuardStepContext, RunTriggerKind } from './scheduler/index.js';
export type { RunEvent, RunEventType, RunEventStreamOptions } from './events/index.js';
export type { WorkflowClock } from './timers/index.js';
export type {
  RunListFilter,
  StartWorkflowOptions,
  StepRun,
  TenantEvents,
  TenantWorkflows,
  WorkflowRun,
  WorkflowRuntime,
  WorkflowSummary,
  WorkflowVersion,
  WorkflowsOptions,
} from './runtime.js';

/**
 * A workflow engine with no database: runs live in this process only (tests, scripts, embedding
 * where durability is not needed). `createAuterity` gives the durable one, as `tenant.workflows`.
 */
export function createInMemoryWorkflows(options: WorkflowsOptions & { logger?: Logger } = {}): WorkflowRuntime {
  const { logger, ...workflowsOptions } = options;
  assertWorkflowsOptions(workflowsOptions);
  return createWorkflowRuntime(workflowsOptions, { store: new MemoryWorkflowStore(), ...(logger ? { logger } : {}) });
}
