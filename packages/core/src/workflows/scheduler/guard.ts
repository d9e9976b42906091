// The hook other domains use to govern execution: billing counts executions, governance checks
// policies. A guard refuses by throwing (an AuterityError such as `quota_exceeded` or `forbidden`).
export type RunTriggerKind = 'manual' | 'webhook' | 'cron' | 'event' | 'workflow';

export interface WorkflowGuardRunContext {
  tenantId: string;
  workflowId: string;
  version: number;
  runId: string;
  trigger: RunTriggerKind;
  input: unknown;
  priority: number;
  /** Set for sub-workflow runs. */
  parentRunId?: string | undefined;
}

export interface WorkflowGuardStepContext {
  tenantId: string;
  workflowId: string;
  version: number;
  runId: string;
  stepId: string;
  action: string;
  attempt: number;
}

/** A workflow about to be created (its first version); later versions of it are not asked about. */
export interface WorkflowGuardCreateContext {
  tenantId: string;
  workflowId: string;
}

export interface WorkflowGuard {
  /** Before a new workflow is stored; throwing refuses it (billing's `workflows` limit is checked here). */
  beforeCreate?(context: WorkflowGuardCreateContext): void | Promise<void>;
  /** Before a run is created; throwing refuses it (the caller gets the error, nothing is stored). */
  beforeRun?(context: WorkflowGuardRunContext): void | Promise<void>;
  /** Before each attempt of each step; throwing fails the step without retrying it. */
  beforeStep?(context: WorkflowGuardStepContext): void | Promise<void>;
}
