// The workflow runtime: action registry, definition store and compiler cache, the executor, and the
// engine's background loops (polling for due runs, lease heartbeats, cron). One per engine.
import { timingSafeEqual } from 'node:crypto';
import { Cron } from 'croner';
import { z } from 'zod';
import { silentLogger, type Logger } from '../config/logger.js';
import { AuterityError, isAuterityError } from '../errors.js';
import { createExpressionCompiler } from '../expressions/cel.js';
import { createJsonataCompiler } from '../expressions/jsonata.js';
import { createId, randomBase62 } from '../shared/ids.js';
import { parseInput, slugSchema } from '../shared/validation.js';
import {
  codeAction,
  delayAction,
  eventWaitAction,
  foreachAction,
  httpRequestAction,
  SandboxPool,
  transformAction,
  workflowRunAction,
  type CodeActionOptions,
  type HttpActionOptions,
} from './actions/builtin/index.js';
import { APPROVAL_DECIDED_EVENT } from './actions/approval-request.js';
import type { AnyAction } from './actions/types.js';
import { compileDefinition, type CompiledWorkflow, type DefinitionCompilers } from './definitions/validate.js';
import type { WorkflowDefinition } from './definitions/schema.js';
import { runEventStream, type RunEventStreamOptions } from './events/stream.js';
import type { RunStatus, StepStatus } from './machines/lifecycles.js';
import { WorkflowExecutor } from './scheduler/executor.js';
import type { RunTriggerKind, WorkflowGuard } from './scheduler/guard.js';
import type { RunEvent, RunState, SerializedError, StoredVersion, StoredWorkflow, WorkflowStore } from './store/types.js';
import { systemClock, type WorkflowClock } from './timers/clock.js';

export interface WorkflowsOptions {
  /** The ISV's actions, next to the built-ins. */
  actions?: readonly AnyAction[];
  /** Asked before every run and every step (billing, governance, the ISV's own rules). */
  guards?: readonly WorkflowGuard[];
  http?: HttpActionOptions;
  code?: CodeActionOptions;
  /** How often the engine looks for due runs, timers and cron ticks. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long a run stays leased without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /** Steps running at once in this engine, all tenants together. Default 256. */
  maxConcurrentSteps?: number;
  /** Runs active at once per tenant (running or waiting); more wait queued. Default unlimited. */
  tenantConcurrency?: number;
  /** How long emitted events are kept for `event.wait` steps that begin waiting after them. Default 5 min. */
  eventBufferMs?: number;
  /** Injected time (tests). Default the system clock. */
  clock?: WorkflowClock;
  /** Injected randomness for backoff jitter (tests). Default Math.random. */
  random?: () => number;
}

export interface WorkflowVersion {
  id: string;
  version: number;
  name: string;
  definition: WorkflowDefinition;
  createdAt: number;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  latestVersion: number;
  /** The secret path segment of the workflow's webhook URL (`/hooks/<token>`), when it has a webhook trigger. */
  webhookToken: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface StepRun {
  id: string;
  status: StepStatus;
  attempts: number;
  output: unknown;
  error: SerializedError | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Time spent in attempts (ms). */
  durationMs: number | null;
}

export interface WorkflowRun {
  id: string;
  workflowId: string;
  version: number;
  status: RunStatus;
  priority: number;
  input: unknown;
  output: unknown;
  error: SerializedError | null;
  deadLettered: boolean;
  parentRunId: string | null;
  /** The actor who started the run through a tenant handle; null for webhook, cron, event and sub-workflow runs. */
  startedBy: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  steps: StepRun[];
}

export interface StartWorkflowOptions {
  input?: unknown;
  /** Higher runs first when the engine is busy. Default: the definition's priority. */
  priority?: number;
  /** Pin an older version. Default: the latest. */
  version?: number;
  /** Makes the call idempotent: a second start with the same key returns the first run. */
  idempotencyKey?: string;
}

export interface RunListFilter {
  status?: RunStatus;
  workflowId?: string;
  limit?: number;
}

/** One tenant's workflows: definitions, runs and their controls. */
export interface TenantWorkflows {
  /** Validates (every problem at once) and stores a definition; an existing id gets a new version. */
  save(definition: unknown, options?: { id?: string }): Promise<WorkflowVersion>;
  /** Validates without storing; throws invalid_input listing every problem. */
  validate(definition: unknown): WorkflowDefinition;
  get(workflowId: string, version?: number): Promise<WorkflowVersion>;
  list(): Promise<WorkflowSummary[]>;
  /** Starts a run (manual/API trigger). The guards may refuse it. */
  start(workflowId: string, options?: StartWorkflowOptions): Promise<WorkflowRun>;
  readonly runs: {
    get(runId: string): Promise<WorkflowRun>;
    list(filter?: RunListFilter): Promise<WorkflowRun[]>;
    pause(runId: string): Promise<WorkflowRun>;
    resume(runId: string): Promise<WorkflowRun>;
    cancel(runId: string): Promise<WorkflowRun>;
    /** Re-runs a failed run from its failed (and cancelled) steps; completed steps are kept. */
    retry(runId: string): Promise<WorkflowRun>;
    /** The run's events after `after`, following live until the run ends. */
    events(runId: string, options?: RunEventStreamOptions): AsyncIterable<RunEvent>;
    /** Resolves when the run has ended (succeeded, failed or cancelled). */
    wait(runId: string, options?: { signal?: AbortSignal }): Promise<WorkflowRun>;
  };
  readonly deadLetters: {
    /** Runs that failed for good, newest first. */
    list(options?: { limit?: number }): Promise<WorkflowRun[]>;
    /** Retries a dead-lettered run from its failed steps and takes it off the queue. */
    redrive(runId: string): Promise<WorkflowRun>;
  };
}

export interface TenantEvents {
  /**
   * Emits an event: starts workflows with a matching event trigger (CEL filter over `event`) and
   * completes `event.wait` steps waiting for it — including steps that begin waiting up to
   * `eventBufferMs` later. Returns the event id and the runs started. The event is persisted
   * first; a run held by another engine (mid-step) matches it at that engine's next heartbeat, or
   * when it hands the run back to wait — each wait completes once, with one event. The engine's
   * own events (`approval.decided`) are refused here: only the engine emits them.
   */
  emit(name: string, payload?: unknown): Promise<{ id: string; runs: string[] }>;
}

export interface WorkflowRuntime {
  /** One tenant's workflows; runs its `start` creates record `actorId` as their starter (`startedBy`). */
  tenant(tenantId: string, actorId?: string): TenantWorkflows;
  events(tenantId: string): TenantEvents;
  /**
   * Emits one of the engine's own events (such as `approval.decided`), which `emit` refuses so that
   * no tenant can forge them. Otherwise the same as `emit`.
   */
  emitEngineEvent(tenantId: string, name: string, payload: unknown): Promise<{ id: string; runs: string[] }>;
  /** Starts the background loops (idempotent). Runs left in flight by a dead engine are resumed. */
  start(): void;
  /** Stops the background loops; runs held are left to their leases. */
  stop(): void;
  /** One pass of the loops: due runs, cron ticks. For tests and for hosts driving their own schedule. */
  tick(): Promise<void>;
  /** Resolves when nothing is running and every transition is persisted. */
  idle(): Promise<void>;
  /** Starts the workflow a webhook token belongs to, with `payload` as its input. */
  webhook(token: string, payload: unknown): Promise<WorkflowRun>;
  close(): Promise<void>;
}

export interface RuntimeDependencies {
  store: WorkflowStore;
  logger?: Logger;
  /** Checks the tenant exists before work for it (not_found otherwise). */
  ready?: () => Promise<void>;
  /** Other domains' background work for a tenant, done on each of the loop's passes over it. */
  tenantPass?: (tenantId: string) => Promise<void>;
}

const CONDITION_VARIABLES = ['input', 'steps', 'run', 'tenant'];
const FILTER_VARIABLES = ['input', 'steps', 'run', 'tenant', 'event'];

const startOptionsSchema = z.strictObject({
  input: z.unknown().optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  version: z.number().int().min(1).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
// Events only the engine emits: the steps that wait on them trust their payload.
const ENGINE_EVENTS: ReadonlySet<string> = new Set([APPROVAL_DECIDED_EVENT]);
const eventNameSchema = z.string().min(1).max(200);
const tenantEventNameSchema = eventNameSchema.refine((name) => !ENGINE_EVENTS.has(name), { error: 'is emitted by the engine only' });
const runIdSchema = z.string().min(1).max(300);

function slugify(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return slug || 'workflow';
}

export function toPublicRun(run: RunState, def: CompiledWorkflow | undefined): WorkflowRun {
  const order = def ? [...def.steps].sort((a, b) => a.index - b.index).map((s) => s.id) : Object.keys(run.steps);
  return {
    id: run.id,
    workflowId: run.workflowId,
    version: run.version,
    status: run.status,
    priority: run.priority,
    input: run.input,
    output: run.output ?? null,
    error: run.error ?? null,
    deadLettered: run.deadLettered,
    parentRunId: run.parent?.runId ?? null,
    startedBy: run.startedBy ?? null,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? null,
    finishedAt: run.finishedAt ?? null,
    durationMs: run.finishedAt !== undefined && run.startedAt !== undefined ? run.finishedAt - run.startedAt : null,
    steps: order.map((id) => {
      const step = run.steps[id] ?? { status: 'pending' as const, attempt: 0 };
      return {
        id,
        status: step.status,
        attempts: step.attempt,
        output: step.output ?? null,
        error: step.error ?? null,
        startedAt: step.startedAt ?? null,
        finishedAt: step.finishedAt ?? null,
        durationMs: step.durationMs ?? null,
      };
    }),
  };
}

function publicVersion(stored: StoredVersion): WorkflowVersion {
  return { id: stored.workflowId, version: stored.version, name: stored.name, definition: stored.definition as WorkflowDefinition, createdAt: stored.createdAt };
}

/** `<tenant>.<workflow>.<secret>`: names its tenant, so no cross-tenant lookup is needed. */
function webhookToken(tenantId: string, workflow: StoredWorkflow): string {
  return `${tenantId}.${workflow.id}.${workflow.webhookSecret}`;
}

/**
 * The latest tick in (from, now], without walking every tick since `from` (an every-second schedule
 * after a month of downtime): look in a window before `now` that grows until it holds a tick.
 */
function latestTick(cron: Cron, from: number, now: number): number | undefined {
  for (let window = 60_000; ; window *= 8) {
    const start = Math.max(from, now - window);
    let latest: number | undefined;
    for (let next = cron.nextRun(new Date(start)); next && next.getTime() <= now; next = cron.nextRun(next)) latest = next.getTime();
    if (latest !== undefined || start === from) return latest;
  }
}

const unknownWebhook = () => new AuterityError('not_found', 'Unknown webhook.');

export function createWorkflowRuntime(options: WorkflowsOptions, deps: RuntimeDependencies): WorkflowRuntime {
  const store = deps.store;
  const logger = deps.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const ready = deps.ready ?? (async () => undefined);
  const pollMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 30_000;
  const eventBufferMs = options.eventBufferMs ?? 300_000;
  const jsonata = createJsonataCompiler();
  const sandbox = new SandboxPool(options.code?.workers);

  const actions = new Map<string, AnyAction>();
  const builtins: AnyAction[] = [
    transformAction(jsonata),
    delayAction,
    eventWaitAction,
    workflowRunAction,
    foreachAction(jsonata),
    httpRequestAction(options.http),
    codeAction(options.code, sandbox),
  ] as AnyAction[];
  for (const action of [...builtins, ...(options.actions ?? [])]) {
    if (actions.has(action.name)) throw new AuterityError('invalid_options', `workflows.actions: an action named "${action.name}" is registered twice`);
    actions.set(action.name, action);
  }
  const compilers: DefinitionCompilers = {
    actions,
    conditions: createExpressionCompiler({ variables: CONDITION_VARIABLES }),
    triggerFilters: createExpressionCompiler({ variables: FILTER_VARIABLES }),
    jsonata,
  };

  // Compiled definitions by tenant/workflow/version; versions never change once stored.
  const compiled = new Map<string, CompiledWorkflow>();
  async function definition(tenantId: string, workflowId: string, version: number): Promise<CompiledWorkflow> {
    const key = `${tenantId}\u0000${workflowId}\u0000${version}`;
    const cached = compiled.get(key);
    if (cached) return cached;
    const stored = await store.getVersion(tenantId, workflowId, version);
    if (!stored) throw new AuterityError('not_found', `Workflow "${workflowId}" version ${version} does not exist.`);
    const result = compileDefinition(stored.definition, compilers);
    compiled.set(key, result);
    if (compiled.size > 2000) compiled.delete(compiled.keys().next().value as string);
    return result;
  }

  const ownerId = createId('eng');
  let kickPending = new Set<string>();
  const executor = new WorkflowExecutor({
    store,
    clock,
    logger,
    guards: options.guards ?? [],
    definition,
    actions,
    conditions: compilers.triggerFilters,
    ownerId,
    leaseMs,
    maxConcurrentSteps: options.maxConcurrentSteps ?? 256,
    tenantConcurrency: options.tenantConcurrency,
    eventBufferMs,
    random: options.random ?? Math.random,
    onRunFinished: (run) => {
      // A finished run frees capacity: queued runs of its tenant may start now.
      kickPending.add(run.tenantId);
      queueMicrotask(() => {
        const tenants = kickPending;
        kickPending = new Set();
        for (const tenantId of tenants) void executor.track(pollTenant(tenantId)).catch((error: unknown) => logger.error('auterity: workflow poll failed', { tenantId, error }));
      });
    },
  });

  async function pollTenant(tenantId: string): Promise<void> {
    if (closed) return;
    const now = clock.now();
    const due = await store.claimDue(tenantId, ownerId, now, now + leaseMs, 200);
    // One after another: starting a queued run checks concurrency limits against the runs before it.
    for (const run of due) await executor.adopt(run);
  }

  // Cron: the ticks due since the trigger's last recorded tick (whichever engine recorded it, before
  // any downtime) — never since before the workflow's latest version was saved — fired according to
  // the trigger's `catchUp` policy (documented in definitions/schema.ts). Each tick is claimed in
  // the store, so one engine wins it however many share the database.
  const onTimeMs = Math.max(60_000, 2 * pollMs);
  const cronRetries = new Map<string, number[]>();
  async function fireCron(tenantId: string, now: number): Promise<void> {
    for (const workflow of await store.listWorkflows(tenantId)) {
      let def: CompiledWorkflow;
      try {
        def = await definition(tenantId, workflow.id, workflow.latestVersion);
      } catch {
        continue;
      }
      for (const trigger of def.cronTriggers) {
        const cron = new Cron(trigger.schedule, { timezone: trigger.timezone, paused: true });
        const from = Math.max((await store.lastTick(tenantId, workflow.id, trigger.index)) ?? -Infinity, workflow.updatedAt);
        const due: number[] = [];
        if (trigger.catchUp === 'all') {
          // Oldest first, 100 per pass; the next passes go on from the last one claimed.
          for (let next = cron.nextRun(new Date(from)); next && next.getTime() <= now && due.length < 100; next = cron.nextRun(next)) due.push(next.getTime());
        } else {
          const latest = latestTick(cron, from, now);
          if (latest !== undefined) due.push(latest);
        }
        const retryKey = `${tenantId}\u0000${workflow.id}\u0000${trigger.index}`;
        const retry = cronRetries.get(retryKey);
        cronRetries.delete(retryKey);
        for (const at of [...(retry ?? []), ...due]) {
          if (trigger.catchUp === 'none' && now - at > onTimeMs && !retry?.includes(at)) continue;
          if (!(await store.claimTick(tenantId, workflow.id, trigger.index, at))) continue;
          try {
            await startRun(tenantId, workflow.id, { input: { scheduledAt: new Date(at).toISOString() } }, 'cron', `cron_${workflow.id}_${trigger.index}_${at}`);
          } catch (error) {
            if (isAuterityError(error)) {
              // A guard (quota, governance) refused it: that is the tick's outcome.
              logger.warn('auterity: a cron-triggered run was refused', { tenantId, workflowId: workflow.id, error });
              continue;
            }
            // The database failed between the claim and the run: give the tick back and try it
            // again on the next pass (its run id is deterministic, so a run half-created is found).
            logger.error('auterity: a cron-triggered run could not be started; retrying', { tenantId, workflowId: workflow.id, error });
            await store.releaseTick(tenantId, workflow.id, trigger.index, at).catch(() => undefined);
            cronRetries.set(retryKey, [...(cronRetries.get(retryKey) ?? []), at]);
            break;
          }
        }
      }
    }
  }

  let lastPrune = 0;
  async function tick(): Promise<void> {
    const now = clock.now();
    const tenants = await store.tenants();
    for (const tenantId of tenants) {
      try {
        await pollTenant(tenantId);
        await fireCron(tenantId, now);
        if (now - lastPrune > eventBufferMs) await store.pruneEvents(tenantId, now - eventBufferMs);
        await deps.tenantPass?.(tenantId);
      } catch (error) {
        logger.error('auterity: workflow poll failed', { tenantId, error });
      }
    }
    if (now - lastPrune > eventBufferMs) lastPrune = now;
  }

  async function heartbeat(): Promise<void> {
    const leaseUntil = clock.now() + leaseMs;
    for (const [tenantId, runIds] of executor.runsHeld()) {
      const { lost, controls } = await store.renew(tenantId, ownerId, runIds, leaseUntil);
      for (const runId of lost) executor.leaseLost(tenantId, runId);
      for (const [runId, control] of controls) executor.applyRemoteControl(tenantId, runId, control);
      await executor.recheckWaits(tenantId, runIds);
    }
  }

  let started = false;
  let closed = false;
  let pollTimer: unknown;
  let beatTimer: unknown;
  const loop = (fn: () => Promise<void>, every: number, set: (handle: unknown) => void) => {
    const run = () => {
      void executor
        .track(fn())
        .catch((error: unknown) => logger.error('auterity: workflow background loop failed', { error }))
        .finally(() => {
          if (started) set(clock.setTimeout(run, every));
        });
    };
    set(clock.setTimeout(run, 0));
  };

  function stop() {
    started = false;
    if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
    if (beatTimer !== undefined) clock.clearTimeout(beatTimer);
  }

  function ensureStarted() {
    if (started) return;
    started = true;
    loop(tick, pollMs, (h) => (pollTimer = h));
    loop(heartbeat, Math.max(10, Math.floor(leaseMs / 3)), (h) => (beatTimer = h));
  }

  async function startRun(tenantId: string, workflowId: string, startOptions: StartWorkflowOptions, trigger: RunTriggerKind, runId?: string, startedBy?: string): Promise<WorkflowRun> {
    const latest = startOptions.version ?? (await store.getWorkflow(tenantId, workflowId))?.latestVersion;
    if (latest === undefined) throw new AuterityError('not_found', `Workflow "${workflowId}" does not exist.`);
    const def = await definition(tenantId, workflowId, latest);
    const { run } = await executor.start({
      tenantId,
      workflowId,
      version: latest,
      input: startOptions.input ?? null,
      priority: startOptions.priority ?? def.definition.priority,
      trigger,
      runId: runId ?? (startOptions.idempotencyKey ? `run_${workflowId}_${startOptions.idempotencyKey}` : undefined),
      startedBy,
    });
    return toPublicRun(run, def);
  }

  async function publicRun(tenantId: string, runId: string): Promise<WorkflowRun> {
    const run = await store.loadRun(tenantId, runId);
    if (!run) throw new AuterityError('not_found', `Run "${runId}" does not exist.`);
    const def = await definition(tenantId, run.workflowId, run.version).catch(() => undefined);
    return toPublicRun(run, def);
  }


  async function prepare() {
    await ready();
    ensureStarted();
  }

  function tenantWorkflows(tenantId: string, actorId?: string): TenantWorkflows {
    const control = async (runId: string, what: 'pause' | 'resume' | 'cancel' | 'retry') => {
      await prepare();
      const id = parseInput(runIdSchema, runId, 'run id', 'runId');
      await executor.control(tenantId, id, what);
      await executor.idle();
      return publicRun(tenantId, id);
    };
    return {
      validate: (definitionInput) => compileDefinition(definitionInput, compilers).definition,
      async save(definitionInput, saveOptions = {}) {
        await prepare();
        const def = compileDefinition(definitionInput, compilers);
        const id = saveOptions.id === undefined ? slugify(def.definition.name) : parseInput(slugSchema, saveOptions.id, 'workflow id', 'id');
        if (!(await store.getVersion(tenantId, id))) {
          for (const guard of options.guards ?? []) await guard.beforeCreate?.({ tenantId, workflowId: id });
        }
        const stored = await store.saveVersion(tenantId, id, def.definition.name, def.definition, clock.now(), randomBase62(24));
        compiled.set(`${tenantId}\u0000${id}\u0000${stored.version}`, def);
        return publicVersion(stored);
      },
      async get(workflowId, version) {
        await prepare();
        const stored = await store.getVersion(tenantId, workflowId, version);
        if (!stored) throw new AuterityError('not_found', `Workflow "${workflowId}"${version ? ` version ${version}` : ''} does not exist.`);
        return publicVersion(stored);
      },
      async list() {
        await prepare();
        const workflows = await store.listWorkflows(tenantId);
        return Promise.all(
          workflows.map(async (workflow) => {
            const def = await definition(tenantId, workflow.id, workflow.latestVersion).catch(() => undefined);
            return {
              id: workflow.id,
              name: workflow.name,
              latestVersion: workflow.latestVersion,
              webhookToken: def?.webhook ? webhookToken(tenantId, workflow) : null,
              createdAt: workflow.createdAt,
              updatedAt: workflow.updatedAt,
            };
          }),
        );
      },
      async start(workflowId, startOptions = {}) {
        await prepare();
        const parsed = parseInput(startOptionsSchema, startOptions, 'start options');
        return startRun(tenantId, workflowId, parsed, 'manual', undefined, actorId);
      },
      runs: {
        async get(runId) {
          await prepare();
          return publicRun(tenantId, runId);
        },
        async list(filter = {}) {
          await prepare();
          const runs = await store.listRuns(tenantId, { status: filter.status, workflowId: filter.workflowId, limit: filter.limit });
          return runs.map((run) => toPublicRun(run, compiled.get(`${tenantId}\u0000${run.workflowId}\u0000${run.version}`)));
        },
        pause: (runId) => control(runId, 'pause'),
        resume: (runId) => control(runId, 'resume'),
        cancel: (runId) => control(runId, 'cancel'),
        retry: (runId) => control(runId, 'retry'),
        events(runId, streamOptions) {
          return runEventStream({ store, onPersisted: (t, r, l) => executor.onPersisted(t, r, l), pollMs }, tenantId, runId, streamOptions);
        },
        async wait(runId, waitOptions = {}) {
          await prepare();
          await executor.waitForRun(tenantId, runId, waitOptions.signal);
          return publicRun(tenantId, runId);
        },
      },
      deadLetters: {
        async list(listOptions = {}) {
          await prepare();
          const runs = await store.listRuns(tenantId, { deadLettered: true, limit: listOptions.limit });
          return runs.map((run) => toPublicRun(run, compiled.get(`${tenantId}\u0000${run.workflowId}\u0000${run.version}`)));
        },
        async redrive(runId) {
          const run = await store.loadRun(tenantId, runId);
          if (!run?.deadLettered) throw new AuterityError('not_found', `Run "${runId}" is not in the dead-letter queue.`);
          return control(runId, 'retry');
        },
      },
    };
  }

  function tenantEvents(tenantId: string): TenantEvents {
    return {
      async emit(name, payload) {
        return emitEvent(tenantId, parseInput(tenantEventNameSchema, name, 'event name', 'name'), payload);
      },
    };
  }

  async function emitEvent(tenantId: string, eventName: string, payload: unknown): Promise<{ id: string; runs: string[] }> {
    await ready();
    ensureStarted();
    const now = clock.now();
    const id = createId('evt');
    await store.appendEvent(tenantId, { id, name: eventName, payload: payload ?? null, at: now });
    await store.wakeWaiters(tenantId, eventName, now);
    await executor.eventArrived(tenantId, eventName);
    await pollTenant(tenantId);
    const runs: string[] = [];
    for (const workflow of await store.listWorkflows(tenantId)) {
      const def = await definition(tenantId, workflow.id, workflow.latestVersion).catch(() => undefined);
      for (const trigger of def?.eventTriggers ?? []) {
        if (trigger.event !== eventName) continue;
        const event = { name: eventName, payload: payload ?? null, at: now };
        try {
          if (trigger.filter && !trigger.filter.test({ event, tenant: { id: tenantId }, input: null, steps: {}, run: null })) continue;
          const run = await startRun(tenantId, workflow.id, { input: event }, 'event', `${id}.${workflow.id}`);
          runs.push(run.id);
        } catch (error) {
          logger.warn('auterity: an event-triggered run was not started', { tenantId, workflowId: workflow.id, error });
        }
        break;
      }
    }
    return { id, runs };
  }

  return {
    tenant: tenantWorkflows,
    events: tenantEvents,
    async emitEngineEvent(tenantId, name, payload) {
      return emitEvent(tenantId, parseInput(eventNameSchema, name, 'event name', 'name'), payload);
    },
    start: ensureStarted,
    stop,
    tick,
    idle: () => executor.idle(),
    async webhook(token, payload) {
      await ready();
      ensureStarted();
      const parts = typeof token === 'string' ? token.split('.') : [];
      const [tenantId, workflowId, secret] = parts;
      if (parts.length !== 3 || !tenantId || !workflowId || !secret) throw unknownWebhook();
      const workflow = await store.getWorkflow(tenantId, workflowId).catch(() => undefined);
      if (!workflow) throw unknownWebhook();
      const expected = Buffer.from(workflow.webhookSecret);
      const given = Buffer.from(secret);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unknownWebhook();
      const def = await definition(tenantId, workflowId, workflow.latestVersion);
      if (!def.webhook) throw unknownWebhook();
      return startRun(tenantId, workflowId, { input: payload ?? null }, 'webhook');
    },
    async close() {
      closed = true;
      stop();
      await executor.close();
      await sandbox.close();
    },
  };
}

