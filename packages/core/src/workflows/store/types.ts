// What the executor persists, and the store interface with a memory and a SQL implementation.
// A run's state is one JSON snapshot (run machine state + every step's machine state, attempts,
// outputs, timers) plus an append-only event log; both are written together on every transition.
import type { RunStatus, StepStatus } from '../machines/lifecycles.js';

export interface SerializedError {
  message: string;
  code?: string | undefined;
  name?: string | undefined;
}

export interface StepWait {
  event: string;
  filter?: string | undefined;
  /** Payload fields the event must carry with exactly these values (waits parked by an action). */
  match?: Record<string, string> | undefined;
  /** Parked by its action (not `event.wait`): the action's resume hook turns the event into the output. */
  parked?: boolean | undefined;
  /** Events emitted at or after this instant match (the buffering window starts here). */
  since: number;
  timeoutAt?: number | undefined;
}

export interface StepState {
  status: StepStatus;
  /** Attempts started so far (it keeps counting across a run's retries). */
  attempt: number;
  /** `attempt` when the run was last retried: the retry budget counts from here. */
  retryBase?: number | undefined;
  output?: unknown;
  error?: SerializedError | undefined;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  /** Time spent in attempts, summed (analytics). */
  durationMs?: number | undefined;
  /** Durable timer: a backoff (retrying) or a delay ends at this instant. */
  wakeAt?: number | undefined;
  /** `delay` steps: when set, the step completes at `wakeAt`. */
  delay?: boolean | undefined;
  wait?: StepWait | undefined;
}

export interface RunState {
  tenantId: string;
  id: string;
  workflowId: string;
  version: number;
  status: RunStatus;
  priority: number;
  input: unknown;
  steps: Record<string, StepState>;
  /** Sequence number of the last event. */
  seq: number;
  output?: unknown;
  error?: SerializedError | undefined;
  createdAt: number;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  updatedAt: number;
  parent?: { runId: string; stepId: string } | undefined;
  /** The actor who started the run through a tenant handle; null (or absent) for trigger-started runs. */
  startedBy?: string | null | undefined;
  deadLettered: boolean;
  /** When an engine must next look at the run (queued, running, timers); null when nothing is due. */
  dueAt: number | null;
  /** Event names its event.wait steps wait for. */
  waitEvents: string[];
  /** A control asked of the engine that holds the run (pause or cancel from another engine). */
  control?: 'pause' | 'cancel' | undefined;
}

export type RunEventType =
  | 'run.started'
  | 'run.paused'
  | 'run.resumed'
  | 'run.waiting'
  | 'run.completed'
  | 'run.failed'
  | 'run.cancelled'
  | 'run.retried'
  | 'step.started'
  | 'step.completed'
  | 'step.failed'
  | 'step.retrying'
  | 'step.skipped'
  | 'step.cancelled'
  | 'step.interrupted';

export interface RunEvent {
  runId: string;
  /** 1, 2, 3… per run, with no gaps: read again `after` the last one seen to resume. */
  seq: number;
  type: RunEventType;
  at: number;
  stepId?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

export interface StoredVersion {
  workflowId: string;
  version: number;
  name: string;
  definition: unknown;
  createdAt: number;
}

export interface StoredWorkflow {
  id: string;
  name: string;
  latestVersion: number;
  webhookSecret: string;
  createdAt: number;
  updatedAt: number;
}

export interface BufferedEvent {
  id: string;
  name: string;
  payload: unknown;
  at: number;
}

export interface RunFilter {
  status?: RunStatus | undefined;
  workflowId?: string | undefined;
  deadLettered?: boolean | undefined;
  limit?: number | undefined;
}

export interface RunCommit {
  run: RunState;
  events: RunEvent[];
  /** Give the lease up (the run is waiting, paused or finished). */
  release: boolean;
}

export interface WorkflowStore {
  /** False for the memory store: nothing survives the process. */
  readonly durable: boolean;
  tenants(): Promise<string[]>;

  saveVersion(tenantId: string, workflowId: string, name: string, definition: unknown, now: number, webhookSecret: string): Promise<StoredVersion>;
  getVersion(tenantId: string, workflowId: string, version?: number): Promise<StoredVersion | undefined>;
  getWorkflow(tenantId: string, workflowId: string): Promise<StoredWorkflow | undefined>;
  listWorkflows(tenantId: string): Promise<StoredWorkflow[]>;

  /** Inserts a new run held by `owner`; false when a run with its id exists already. */
  insertRun(run: RunState, events: RunEvent[], owner: string, leaseUntil: number): Promise<boolean>;
  /** Writes snapshots and events, fenced by the lease: returns the ids of runs `owner` no longer holds. */
  commit(owner: string, leaseUntil: number, batch: readonly RunCommit[]): Promise<Set<string>>;
  loadRun(tenantId: string, runId: string): Promise<RunState | undefined>;
  listRuns(tenantId: string, filter: RunFilter): Promise<RunState[]>;
  readEvents(tenantId: string, runId: string, afterSeq: number, limit: number): Promise<RunEvent[]>;
  /** Leases up to `limit` runs due at `now` whose lease is free or expired, highest priority first. */
  claimDue(tenantId: string, owner: string, now: number, leaseUntil: number, limit: number): Promise<RunState[]>;
  /** Leases one run if its lease is free or expired (controls on runs nobody holds). */
  claimRun(tenantId: string, runId: string, owner: string, now: number, leaseUntil: number): Promise<RunState | undefined>;
  /** Extends leases; returns runs lost and controls asked of the runs still held. */
  renew(tenantId: string, owner: string, runIds: readonly string[], leaseUntil: number): Promise<{ lost: string[]; controls: Map<string, 'pause' | 'cancel'> }>;
  /** Asks the engine holding the run to pause or cancel it; false when the run is not held. */
  requestControl(tenantId: string, runId: string, control: 'pause' | 'cancel', now: number): Promise<boolean>;
  /** Runs of the tenant (or of one workflow) that are running or waiting. */
  countActive(tenantId: string, workflowId?: string): Promise<number>;

  appendEvent(tenantId: string, event: BufferedEvent): Promise<void>;
  /** Buffered events named `name` emitted at or after `since`, oldest first. */
  findEvents(tenantId: string, name: string, since: number): Promise<BufferedEvent[]>;
  /** Marks runs waiting for `name` as due now. */
  wakeWaiters(tenantId: string, name: string, now: number): Promise<void>;
  /** Drops buffered events older than `before`. */
  pruneEvents(tenantId: string, before: number): Promise<void>;
  /** Records one cron tick; true only for the first engine to record it. */
  claimTick(tenantId: string, workflowId: string, triggerIndex: number, tickAt: number): Promise<boolean>;
  /** Forgets a claimed tick whose run could not be created, so it can be claimed again. */
  releaseTick(tenantId: string, workflowId: string, triggerIndex: number, tickAt: number): Promise<void>;
  /** The latest cron tick recorded for the trigger (by any engine), if any. */
  lastTick(tenantId: string, workflowId: string, triggerIndex: number): Promise<number | undefined>;
}
