// The scheduler: drives runs through the lifecycles of machines/, starts every ready step (parallel
// branches concurrently, within limits), and persists each transition — snapshot and events
// together — through the store before the work it allows begins.
//
// Rules worth knowing:
// - Skips: a step whose `when` is false is skipped (output null). A step whose dependencies were
//   ALL skipped is skipped too (the branch is not taken); a step with at least one dependency that
//   succeeded runs (a join after an if/else), and its `when` can inspect `steps.<id>.status`.
// - Failure: when a step fails for good (retries exhausted, or a non-retryable error) the run fails:
//   steps still running are cancelled (their signal aborts), steps not started stay pending, and the
//   run goes to the dead-letter queue. `retry` re-runs failed and cancelled steps only.
// - Ownership: an engine works only on runs it holds a lease on (renewed by heartbeats), so two
//   engines on one database never run the same step at once. A step found `running` in a run taken
//   over from a dead engine is interrupted and runs again with the same idempotency key.
import type { Logger } from '../../config/logger.js';
import { AuterityError, isAuterityError } from '../../errors.js';
import type { ExpressionCompiler } from '../../expressions/cel.js';
import { createId } from '../../shared/ids.js';
import { nativeKind, ParkStep, resumeHook, type ActionRuntime, type ChildRunResult, type ParkRequest } from '../actions/runtime.js';
import type { ActionRunContext, AnyAction } from '../actions/types.js';
import { renderTemplate, type CompiledStep, type CompiledWorkflow } from '../definitions/validate.js';
import { runLifecycle, stepLifecycle, TERMINAL_RUN, type RunEventType as RunMachineEvent, type StepEventType } from '../machines/lifecycles.js';
import type { BufferedEvent, RunEvent, RunEventType, RunState, SerializedError, StepState, StepWait, WorkflowStore } from '../store/types.js';
import { backoffDelay, type WorkflowClock } from '../timers/clock.js';
import type { RunTriggerKind, WorkflowGuard } from './guard.js';

export interface ExecutorOptions {
  store: WorkflowStore;
  clock: WorkflowClock;
  logger: Logger;
  guards: readonly WorkflowGuard[];
  /** Compiles (and caches) a pinned definition version. */
  definition(tenantId: string, workflowId: string, version: number): Promise<CompiledWorkflow>;
  actions: ReadonlyMap<string, AnyAction>;
  conditions: ExpressionCompiler;
  ownerId: string;
  leaseMs: number;
  maxConcurrentSteps: number;
  tenantConcurrency: number | undefined;
  eventBufferMs: number;
  random: () => number;
  /** Called after a run ends (queued runs may now start; parents may move on). */
  onRunFinished?: ((run: RunState) => void) | undefined;
}

interface Loaded {
  run: RunState;
  def: CompiledWorkflow;
  pending: RunEvent[];
  inflight: Map<string, LazyAbort>;
  timer: unknown;
  timerAt: number;
  lost: boolean;
  waiting: boolean;
}

export interface StartRunOptions {
  tenantId: string;
  workflowId: string;
  version: number;
  input: unknown;
  priority: number;
  trigger: RunTriggerKind;
  runId?: string | undefined;
  parent?: { runId: string; stepId: string } | undefined;
  /** The actor starting the run through a tenant handle; absent for trigger-started runs. */
  startedBy?: string | undefined;
}

const SETTLED = new Set(['succeeded', 'skipped']);
const runKey = (tenantId: string, runId: string) => `${tenantId}\u0000${runId}`;

export function serializeError(error: unknown): SerializedError {
  if (isAuterityError(error)) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { message: String(error) };
}

/** Errors not worth retrying: the same input would fail the same way, or a guard refused. */
function retryable(error: unknown): boolean {
  return !(isAuterityError(error) && ['invalid_input', 'forbidden', 'quota_exceeded', 'unauthorized', 'not_found'].includes(error.code));
}

/**
 * An abort controller made on demand: most actions never look at their signal, and creating
 * AbortControllers dominated the cost of a step in profiles.
 */
class LazyAbort {
  aborted = false;
  reason: unknown;
  #controller: AbortController | undefined;
  #listeners: ((reason: unknown) => void)[] = [];

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    for (const listener of this.#listeners.splice(0)) listener(reason);
  }

  onAbort(listener: (reason: unknown) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }
}

class StepAbort extends Error {
  constructor(readonly reason: 'timeout' | 'cancel' | 'lost', message: string) {
    super(message);
  }
}

export class WorkflowExecutor {
  readonly #o: ExecutorOptions;
  readonly #loaded = new Map<string, Loaded>();
  readonly #dirty = new Set<Loaded>();
  #flushScheduled = false;
  #flushing: Promise<void> | undefined;
  #afterFlush: (() => void)[] = [];
  #activeSteps = 0;
  readonly #starved = new Set<Loaded>();
  #busy = 0;
  #idleWaiters: (() => void)[] = [];
  readonly #listeners = new Map<string, Set<() => void>>();
  #closed = false;

  constructor(options: ExecutorOptions) {
    this.#o = options;
  }

  get loadedRuns(): number {
    return this.#loaded.size;
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  /** Tracks background work so `idle()` and `close()` can wait for it. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#busy++;
    this.#tracked.add(promise);
    const done = () => {
      this.#tracked.delete(promise);
      if (--this.#busy === 0) this.#checkIdle();
    };
    promise.then(done, done);
    return promise;
  }
  readonly #tracked = new Set<Promise<unknown>>();

  #checkIdle() {
    if (this.#busy === 0 && this.#dirty.size === 0 && !this.#flushing && !this.#flushScheduled) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * Resolves when the engine has nothing left to do on its own: every transition persisted and no
   * step being prepared. Steps whose actions are still running do not count (they may never end).
   */
  async idle(): Promise<void> {
    for (;;) {
      const before = this.#changes;
      await new Promise<void>((resolve) => {
        this.#idleWaiters.push(resolve);
        queueMicrotask(() => this.#checkIdle());
      });
      // Actions that finish within a turn are settled too before this resolves.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (before === this.#changes && this.#busy === 0 && this.#dirty.size === 0 && !this.#flushing) return;
    }
  }
  #changes = 0;

  /** Called whenever events of `runId` were persisted (event streams wait on it). */
  onPersisted(tenantId: string, runId: string, listener: () => void): () => void {
    const key = runKey(tenantId, runId);
    let set = this.#listeners.get(key);
    if (!set) this.#listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(key);
    };
  }

  #emit(l: Loaded, type: RunEventType, stepId?: string, data?: Record<string, unknown>) {
    const run = l.run;
    run.seq += 1;
    run.updatedAt = this.#o.clock.now();
    l.pending.push({ runId: run.id, seq: run.seq, type, at: run.updatedAt, stepId, data });
    this.#markDirty(l);
  }

  #markDirty(l: Loaded) {
    this.#changes++;
    this.#dirty.add(l);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // Group commit: every transition of this turn goes into one write.
      if (this.#o.store.durable) setImmediate(() => void this.#flush());
      else queueMicrotask(() => void this.#flush());
    }
  }

  /** Resolves once everything marked dirty so far is persisted. */
  #persisted(): Promise<void> {
    if (this.#dirty.size === 0 && !this.#flushing) return Promise.resolve();
    return new Promise((resolve) => this.#afterFlush.push(resolve));
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    if (this.#flushing) return this.#flushing.then(() => (this.#dirty.size ? this.#flush() : undefined));
    const run = async () => {
      while (this.#dirty.size) {
        const batch = [...this.#dirty];
        this.#dirty.clear();
        const waiters = this.#afterFlush;
        this.#afterFlush = [];
        const commits = batch.map((l) => ({ run: l.run, events: l.pending.splice(0), release: this.#releasable(l) }));
        try {
          const lost = await this.#o.store.commit(this.#o.ownerId, this.#o.clock.now() + this.#o.leaseMs, commits);
          for (const [i, l] of batch.entries()) {
            if (lost.has(l.run.id)) this.#lose(l);
            else if (commits[i]?.release && this.#releasable(l)) this.#unload(l);
          }
        } catch (error) {
          this.#o.logger.error('auterity: could not persist workflow runs; retrying', { error });
          for (const [i, l] of batch.entries()) {
            l.pending.unshift(...(commits[i]?.events ?? []));
            this.#dirty.add(l);
          }
          this.#afterFlush.unshift(...waiters);
          await new Promise<void>((resolve) => this.#o.clock.setTimeout(resolve, 250));
          if (this.#closed) return;
          continue;
        }
        for (const l of batch) this.#notify(l.run);
        for (const resolve of waiters) resolve();
      }
    };
    this.#flushing = run().finally(() => {
      this.#flushing = undefined;
      const waiters = this.#afterFlush;
      if (this.#dirty.size === 0) {
        this.#afterFlush = [];
        for (const resolve of waiters) resolve();
      }
      this.#checkIdle();
    });
    return this.#flushing;
  }

  #notify(run: RunState) {
    if (this.#listeners.size === 0) return;
    const set = this.#listeners.get(runKey(run.tenantId, run.id));
    // A copy: listeners remove themselves while being called.
    if (set) for (const listener of Array.from(set)) listener();
  }

  /** A run is handed back (lease released) once nothing of it runs here and it needs no engine now. */
  #releasable(l: Loaded): boolean {
    return l.inflight.size === 0 && (TERMINAL_RUN.has(l.run.status) || l.run.status === 'paused' || l.run.status === 'waiting');
  }

  #unload(l: Loaded) {
    const key = runKey(l.run.tenantId, l.run.id);
    if (this.#loaded.get(key) !== l) return;
    this.#loaded.delete(key);
    this.#starved.delete(l);
    if (l.timer !== undefined) this.#o.clock.clearTimeout(l.timer);
    l.timer = undefined;
    const dueAt = l.run.dueAt;
    const { tenantId, id } = l.run;
    // A local wake-up for timers that fall due while this engine lives; polling covers the rest.
    if (l.run.status === 'waiting' && dueAt !== null) {
      this.#o.clock.setTimeout(() => void this.track(this.wake(tenantId, id)), Math.max(0, dueAt - this.#o.clock.now()));
    }
    // An event emitted while the run was still held (here, mid-step) found it `running`, so no
    // wake-up was recorded for it. Now that `waiting` is durable, look at the buffer once more:
    // an event persisted before this check is seen here; one persisted after it wakes the run
    // through `wakeWaiters`, which now finds it waiting.
    if (l.run.status === 'waiting' && l.run.waitEvents.length) void this.track(this.#recheckReleased(l));
  }

  async #recheckReleased(l: Loaded): Promise<void> {
    if (this.#closed) return;
    for (const step of l.def.steps) {
      const state = l.run.steps[step.id] as StepState;
      if (state.status !== 'running' || !state.wait) continue;
      if (await this.#findMatch(l, step, state.wait)) return this.wake(l.run.tenantId, l.run.id, true);
    }
  }

  /**
   * Evaluates the pending waits of the runs held here (at every heartbeat): events emitted through
   * other engines while this one holds the run are matched without waiting for it to be released.
   */
  async recheckWaits(tenantId: string, runIds: readonly string[]): Promise<void> {
    for (const runId of runIds) {
      const l = this.#loaded.get(runKey(tenantId, runId));
      if (!l || l.lost || l.run.status !== 'running') continue;
      if (!l.def.steps.some((step) => l.run.steps[step.id]?.wait && !l.inflight.has(step.id))) continue;
      await this.#resolveWaits(l);
      this.#drive(l);
    }
  }

  #lose(l: Loaded) {
    l.lost = true;
    for (const controller of l.inflight.values()) controller.abort(new StepAbort('lost', 'the engine lost the lease on this run'));
    this.#loaded.delete(runKey(l.run.tenantId, l.run.id));
    this.#starved.delete(l);
    if (l.timer !== undefined) this.#o.clock.clearTimeout(l.timer);
    this.#o.logger.warn('auterity: lost the lease on a workflow run; another engine took it over', { runId: l.run.id });
  }

  // ---- runs --------------------------------------------------------------------------------

  isLoaded(tenantId: string, runId: string): boolean {
    return this.#loaded.has(runKey(tenantId, runId));
  }

  runsHeld(): Map<string, string[]> {
    const byTenant = new Map<string, string[]>();
    for (const l of this.#loaded.values()) {
      const list = byTenant.get(l.run.tenantId) ?? [];
      list.push(l.run.id);
      byTenant.set(l.run.tenantId, list);
    }
    return byTenant;
  }

  /** Creates a run (after the guards agree) and starts it when concurrency allows. */
  async start(options: StartRunOptions): Promise<{ run: RunState; created: boolean }> {
    const def = await this.#o.definition(options.tenantId, options.workflowId, options.version);
    const runId = options.runId ?? createId('run');
    if (options.runId) {
      const existing = await this.#o.store.loadRun(options.tenantId, options.runId);
      if (existing) return { run: existing, created: false };
    }
    for (const guard of this.#o.guards) {
      await guard.beforeRun?.({
        tenantId: options.tenantId,
        workflowId: options.workflowId,
        version: options.version,
        runId,
        trigger: options.trigger,
        input: options.input,
        priority: options.priority,
        parentRunId: options.parent?.runId,
      });
    }
    const now = this.#o.clock.now();
    const steps: Record<string, StepState> = {};
    for (const step of def.steps) steps[step.id] = { status: 'pending', attempt: 0 };
    const run: RunState = {
      tenantId: options.tenantId,
      id: runId,
      workflowId: options.workflowId,
      version: options.version,
      status: 'queued',
      priority: options.priority,
      input: options.input ?? null,
      steps,
      seq: 0,
      createdAt: now,
      updatedAt: now,
      parent: options.parent,
      startedBy: options.startedBy ?? null,
      deadLettered: false,
      dueAt: now,
      waitEvents: [],
    };
    const created = await this.#o.store.insertRun(run, [], this.#o.ownerId, now + this.#o.leaseMs);
    if (!created) {
      const existing = await this.#o.store.loadRun(options.tenantId, runId);
      if (existing) return { run: existing, created: false };
    }
    const l = this.#load(run, def);
    await this.track(this.#begin(l));
    return { run, created: true };
  }

  #load(run: RunState, def: CompiledWorkflow): Loaded {
    const l: Loaded = { run, def, pending: [], inflight: new Map(), timer: undefined, timerAt: 0, lost: false, waiting: false };
    this.#loaded.set(runKey(run.tenantId, run.id), l);
    return l;
  }

  async #hasCapacity(run: RunState, def: CompiledWorkflow): Promise<boolean> {
    const limit = def.definition.concurrency;
    const tenantLimit = this.#o.tenantConcurrency;
    // Counts come from the store: make this engine's own transitions visible there first.
    if (limit !== undefined || tenantLimit !== undefined) await this.#persisted();
    if (limit !== undefined && (await this.#o.store.countActive(run.tenantId, run.workflowId)) >= limit) return false;
    if (tenantLimit !== undefined && (await this.#o.store.countActive(run.tenantId)) >= tenantLimit) return false;
    return true;
  }

  /** A queued run held here: start it, or hand it back queued when a concurrency limit is reached. */
  async #begin(l: Loaded): Promise<void> {
    if (!(await this.#hasCapacity(l.run, l.def))) {
      // Stays queued and due; the next poll (or the end of another run) tries again.
      this.#markDirty(l);
      this.#unloadQueued(l);
      return;
    }
    this.#transitionRun(l, 'START');
    l.run.startedAt = this.#o.clock.now();
    this.#emit(l, 'run.started', undefined, { workflowId: l.run.workflowId, version: l.run.version });
    this.#drive(l);
  }

  #unloadQueued(l: Loaded) {
    // Queued runs are released like waiting ones but stay due.
    const key = runKey(l.run.tenantId, l.run.id);
    void this.#persisted().then(() => {
      if (this.#loaded.get(key) !== l || l.run.status !== 'queued') return;
      this.#loaded.delete(key);
      void this.#o.store.commit(this.#o.ownerId, 0, [{ run: l.run, events: [], release: true }]);
    });
  }

  #transitionRun(l: Loaded, event: RunMachineEvent) {
    l.run.status = runLifecycle.next(l.run.status, event);
    const status = l.run.status;
    l.run.dueAt = status === 'queued' || status === 'running' ? (l.run.startedAt ?? l.run.createdAt) : null;
  }

  #transitionStep(state: StepState, event: StepEventType) {
    state.status = stepLifecycle.next(state.status, event);
  }

  #context(l: Loaded): Record<string, unknown> {
    const steps: Record<string, { output: unknown; status: string }> = {};
    for (const [id, state] of Object.entries(l.run.steps)) steps[id] = { output: state.output ?? null, status: state.status };
    return {
      input: l.run.input,
      steps,
      run: { id: l.run.id, workflowId: l.run.workflowId, version: l.run.version },
      tenant: { id: l.run.tenantId },
    };
  }

  /** Starts what can start, settles what is settled. Synchronous: it only changes state and emits. */
  #drive(l: Loaded): void {
    if (l.lost || l.run.status !== 'running') return;
    const { run, def } = l;
    const now = this.#o.clock.now();
    let context: Record<string, unknown> | undefined;
    let nextWake = Infinity;

    for (const step of def.steps) {
      const state = run.steps[step.id] as StepState;
      if (state.status === 'pending') {
        let allSkipped = step.dependsOn.length > 0;
        let ready = true;
        for (const dep of step.dependsOn) {
          const depStatus = (run.steps[dep] as StepState).status;
          if (!SETTLED.has(depStatus)) ready = false;
          if (depStatus !== 'skipped') allSkipped = false;
        }
        if (!ready) continue;
        if (allSkipped) {
          this.#skip(l, step, 'all dependencies were skipped');
          continue;
        }
        if (step.when) {
          context ??= this.#context(l);
          let pass: boolean;
          try {
            pass = step.when.test(context);
          } catch (error) {
            this.#transitionStep(state, 'READY');
            this.#transitionStep(state, 'START');
            state.attempt += 1;
            state.startedAt = now;
            this.#emit(l, 'step.started', step.id, { attempt: state.attempt });
            this.#failStep(l, step, state, error);
            return;
          }
          if (!pass) {
            this.#skip(l, step, 'condition is false');
            context = undefined;
            continue;
          }
        }
        this.#transitionStep(state, 'READY');
      }
      if (state.status === 'ready' || (state.status === 'retrying' && (state.wakeAt ?? 0) <= now)) {
        if (this.#activeSteps >= this.#o.maxConcurrentSteps) {
          this.#starved.add(l);
          continue;
        }
        this.#startStep(l, step, state);
      } else if (state.status === 'running' && state.delay && state.wakeAt !== undefined && !l.inflight.has(step.id)) {
        if (state.wakeAt <= now) this.#succeedStep(l, step, state, { waitedMs: now - (state.startedAt ?? now) });
        else nextWake = Math.min(nextWake, state.wakeAt);
      } else if (state.status === 'retrying' && state.wakeAt !== undefined) {
        nextWake = Math.min(nextWake, state.wakeAt);
      } else if (state.status === 'running' && state.wait?.timeoutAt !== undefined && !l.inflight.has(step.id)) {
        nextWake = Math.min(nextWake, state.wait.timeoutAt);
      }
    }
    if (run.status !== 'running') return;

    let settled = true;
    let busy = l.inflight.size > 0 || this.#starved.has(l);
    for (const step of def.steps) {
      const status = (run.steps[step.id] as StepState).status;
      if (!SETTLED.has(status)) settled = false;
      if (status === 'ready') busy = true;
    }
    if (settled) return this.#completeRun(l);
    if (!busy) {
      // Only timers (backoff, delay, wait timeout) or events can move it on: hand it back durably.
      this.#transitionRun(l, 'WAIT');
      run.dueAt = Number.isFinite(nextWake) ? nextWake : null;
      run.waitEvents = def.steps.map((s) => run.steps[s.id]?.wait?.event).filter((e): e is string => e !== undefined);
      this.#markDirty(l);
      return;
    }
    this.#schedule(l, nextWake);
  }

  /** A local timer for a backoff that ends while the run still has other steps running. */
  #schedule(l: Loaded, at: number) {
    if (!Number.isFinite(at) || (l.timer !== undefined && l.timerAt <= at)) return;
    if (l.timer !== undefined) this.#o.clock.clearTimeout(l.timer);
    l.timerAt = at;
    l.timer = this.#o.clock.setTimeout(() => {
      l.timer = undefined;
      this.#drive(l);
    }, Math.max(0, at - this.#o.clock.now()));
  }

  #skip(l: Loaded, step: CompiledStep, reason: string) {
    const state = l.run.steps[step.id] as StepState;
    this.#transitionStep(state, 'SKIP');
    state.output = null;
    state.finishedAt = this.#o.clock.now();
    this.#emit(l, 'step.skipped', step.id, { reason });
  }

  #startStep(l: Loaded, step: CompiledStep, state: StepState) {
    this.#transitionStep(state, 'START');
    state.attempt += 1;
    state.startedAt = this.#o.clock.now();
    state.wakeAt = undefined;
    state.error = undefined;
    this.#emit(l, 'step.started', step.id, { attempt: state.attempt });
    const controller = new LazyAbort();
    l.inflight.set(step.id, controller);
    this.#activeSteps++;
    const attempt = state.attempt;
    // The step's side effects begin only once its start is durable. `idle()` waits for the engine's
    // own work around an action (guards, inputs, persistence), never for the action itself.
    this.#busy++;
    if (this.#o.store.durable) void this.#persisted().then(() => this.#execute(l, step, state, attempt, controller));
    else queueMicrotask(() => void this.#execute(l, step, state, attempt, controller));
  }

  #stepDone(l: Loaded, stepId: string) {
    if (l.inflight.delete(stepId)) {
      this.#activeSteps--;
      if (this.#starved.size && !this.#draining) {
        this.#draining = true;
        queueMicrotask(() => {
          this.#draining = false;
          const waiting = [...this.#starved].sort((a, b) => b.run.priority - a.run.priority);
          for (const next of waiting) {
            if (this.#activeSteps >= this.#o.maxConcurrentSteps) break;
            this.#starved.delete(next);
            this.#drive(next);
          }
        });
      }
    }
  }
  #draining = false;

  async #execute(l: Loaded, step: CompiledStep, state: StepState, attempt: number, controller: LazyAbort): Promise<void> {
    let busy = true;
    const release = () => {
      if (!busy) return;
      busy = false;
      this.#unbusy();
    };
    if (controller.aborted || l.lost) {
      this.#stepDone(l, step.id);
      release();
      return;
    }
    const { run } = l;
    let timeout: unknown;
    try {
      for (const guard of this.#o.guards) {
        await guard.beforeStep?.({ tenantId: run.tenantId, workflowId: run.workflowId, version: run.version, runId: run.id, stepId: step.id, action: step.action.name, attempt });
      }
      const rendered = step.template ? await renderTemplate(step.template, this.#context(l)) : step.literalInput;
      const parsed = step.action.input.safeParse(rendered);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
        throw new AuterityError('invalid_input', `steps.${step.id}.input: ${detail}`);
      }
      const native = nativeKind(step.action);
      if (native) return await this.#startNative(l, step, state, native, parsed.data as Record<string, unknown>);
      if (step.timeoutMs !== undefined) {
        const ms = step.timeoutMs;
        timeout = this.#o.clock.setTimeout(() => controller.abort(new StepAbort('timeout', `step "${step.id}" timed out after ${ms} ms`)), ms);
      }
      const context: ActionRunContext<unknown> = {
        input: parsed.data,
        idempotencyKey: `${run.id}:${step.id}`,
        get signal() {
          return controller.signal;
        },
        attempt,
        tenant: { id: run.tenantId },
        run: { id: run.id, workflowId: run.workflowId, version: run.version, startedBy: run.startedBy ?? null },
        stepId: step.id,
        logger: this.#o.logger,
      };
      const runtime: ActionRuntime = {
        runChild: (ctx, workflowId, input, version) => this.#runChild(ctx, workflowId, input, version),
        context: () => this.#context(l),
        action: (name) => this.#o.actions.get(name),
        park: (request) => new ParkStep(request),
      };
      const pending = abortable((step.action.run as (c: ActionRunContext<unknown>, r: ActionRuntime) => unknown)(context, runtime), controller);
      release();
      const result = await pending;
      const output = step.action.output ? step.action.output.parse(result) : result;
      if (this.#current(l, step, attempt)) this.#succeedStep(l, step, state, output ?? null);
    } catch (error) {
      if (!this.#current(l, step, attempt)) return;
      // Only an action that can resume may park (not, say, one called by foreach on its behalf).
      if (error instanceof ParkStep && resumeHook(step.action)) return await this.#park(l, step, state, error.request);
      const reason = controller.reason;
      if (controller.aborted && reason instanceof StepAbort && reason.reason !== 'timeout') return;
      const cause =
        controller.aborted && reason instanceof StepAbort
          ? new AuterityError('unavailable', reason.message, { details: { reason: 'timeout' } })
          : error instanceof ParkStep
            ? new AuterityError('invalid_input', `steps.${step.id}: an action that waits (such as approval.request) cannot run inside "${step.action.name}"`)
            : error;
      this.#failOrRetry(l, step, state, cause);
    } finally {
      if (timeout !== undefined) this.#o.clock.clearTimeout(timeout);
      if (l.inflight.get(step.id) === controller) this.#stepDone(l, step.id);
      if (this.#current(l, step, attempt) || l.run.status === 'running') this.#drive(l);
      else if (this.#releasable(l)) this.#markDirty(l);
      release();
    }
  }

  #unbusy() {
    if (--this.#busy === 0) this.#checkIdle();
  }

  #current(l: Loaded, step: CompiledStep, attempt: number): boolean {
    const state = l.run.steps[step.id];
    return !l.lost && state !== undefined && state.status === 'running' && state.attempt === attempt && l.inflight.has(step.id);
  }

  /** delay and event.wait: durable waits on the run, not promises held in memory. */
  async #startNative(l: Loaded, step: CompiledStep, state: StepState, kind: 'delay' | 'event.wait', input: Record<string, unknown>): Promise<void> {
    const now = this.#o.clock.now();
    if (kind === 'delay') {
      const ms = typeof input.ms === 'number' ? input.ms : 0;
      const until = typeof input.until === 'number' ? input.until : now + ms;
      state.delay = true;
      state.wakeAt = until;
    } else {
      const timeoutMs = typeof input.timeoutMs === 'number' ? input.timeoutMs : undefined;
      state.wait = {
        event: String(input.event),
        filter: typeof input.filter === 'string' ? input.filter : undefined,
        since: (state.startedAt ?? now) - this.#o.eventBufferMs,
        timeoutAt: timeoutMs === undefined ? undefined : now + timeoutMs,
      };
      this.#stepDone(l, step.id);
      // The wait is made durable at once: an engine that takes the run over evaluates it again.
      this.#markDirty(l);
      await this.#resolveWaits(l);
      return;
    }
    this.#stepDone(l, step.id);
    this.#markDirty(l);
  }

  /**
   * An action parked its step: like event.wait, the wait is durable and holds no step slot; the
   * buffer window makes an event emitted while the action was still running count. The step's
   * `timeoutMs`, if any, keeps bounding the whole step.
   */
  async #park(l: Loaded, step: CompiledStep, state: StepState, request: ParkRequest): Promise<void> {
    const startedAt = state.startedAt ?? this.#o.clock.now();
    state.wait = {
      event: request.event,
      match: { ...request.match },
      parked: true,
      since: startedAt - this.#o.eventBufferMs,
      timeoutAt: step.timeoutMs === undefined ? undefined : startedAt + step.timeoutMs,
    };
    this.#stepDone(l, step.id);
    this.#markDirty(l);
    await this.#resolveWaits(l);
  }

  /**
   * The oldest buffered event that satisfies a pending wait. Matching reads the durable event
   * buffer, never a message in memory: whichever engine holds the run when the wait is evaluated
   * sees every event persisted before, whichever engine it was emitted through.
   */
  async #findMatch(l: Loaded, step: CompiledStep, wait: StepWait): Promise<BufferedEvent | undefined> {
    const events = await this.#o.store.findEvents(l.run.tenantId, wait.event, wait.since);
    const filter = wait.filter ? this.#o.conditions.compile(wait.filter, { path: `steps.${step.id}.input.filter` }) : undefined;
    const match = wait.match ? Object.entries(wait.match) : [];
    const base = filter ? this.#context(l) : undefined;
    return events.find((event) => {
      if (match.length) {
        const payload = event.payload;
        if (typeof payload !== 'object' || payload === null || !match.every(([key, value]) => (payload as Record<string, unknown>)[key] === value)) return false;
      }
      return !filter || filter.test({ ...base, event: { name: event.name, payload: event.payload, at: event.at } });
    });
  }

  /** Matches event.wait steps against buffered events; times out the overdue ones. */
  async #resolveWaits(l: Loaded): Promise<void> {
    const now = this.#o.clock.now();
    for (const step of l.def.steps) {
      const state = l.run.steps[step.id] as StepState;
      const wait = state.wait;
      if (state.status !== 'running' || !wait || l.inflight.has(step.id)) continue;
      const match = await this.#findMatch(l, step, wait);
      // Checked again after the await: a wait completes once (the step machine allows one SUCCEED).
      if (l.lost || state.status !== 'running' || state.wait !== wait) continue;
      if (match && wait.parked) {
        this.#resumeParked(l, step, state, match);
      } else if (match) {
        this.#succeedStep(l, step, state, { event: match.name, payload: match.payload, at: match.at });
      } else if (wait.timeoutAt !== undefined && wait.timeoutAt <= now) {
        this.#failOrRetry(l, step, state, new AuterityError('unavailable', `step "${step.id}" waited for event "${wait.event}" until its timeout`, { details: { reason: 'timeout' } }));
      }
    }
  }

  /** A parked step's event arrived: its action's resume hook gives the output or the failure. */
  #resumeParked(l: Loaded, step: CompiledStep, state: StepState, event: BufferedEvent) {
    let output: unknown;
    try {
      const hook = resumeHook(step.action);
      if (!hook) throw new AuterityError('internal', `action "${step.action.name}" cannot resume a parked step`);
      output = hook({ name: event.name, payload: event.payload, at: event.at }, { id: step.id });
      if (step.action.output) output = step.action.output.parse(output);
    } catch (error) {
      this.#failOrRetry(l, step, state, error);
      return;
    }
    this.#succeedStep(l, step, state, output ?? null);
  }

  #succeedStep(l: Loaded, step: CompiledStep, state: StepState, output: unknown) {
    this.#transitionStep(state, 'SUCCEED');
    const now = this.#o.clock.now();
    state.output = output;
    state.finishedAt = now;
    state.durationMs = (state.durationMs ?? 0) + (now - (state.startedAt ?? now));
    state.wakeAt = undefined;
    state.delay = undefined;
    state.wait = undefined;
    this.#emit(l, 'step.completed', step.id, { attempt: state.attempt, durationMs: now - (state.startedAt ?? now) });
  }

  #failOrRetry(l: Loaded, step: CompiledStep, state: StepState, error: unknown) {
    const now = this.#o.clock.now();
    state.durationMs = (state.durationMs ?? 0) + (now - (state.startedAt ?? now));
    state.wait = undefined;
    state.delay = undefined;
    if (state.attempt - (state.retryBase ?? 0) < step.retry.maxAttempts && retryable(error)) {
      const delayMs = backoffDelay(step.retry, state.attempt, this.#o.random);
      this.#transitionStep(state, 'RETRY');
      state.wakeAt = now + delayMs;
      state.error = serializeError(error);
      this.#emit(l, 'step.retrying', step.id, { attempt: state.attempt, delayMs, error: state.error });
      return;
    }
    this.#failStep(l, step, state, error);
  }

  #failStep(l: Loaded, step: CompiledStep, state: StepState, error: unknown) {
    this.#transitionStep(state, 'FAIL');
    state.error = serializeError(error);
    state.finishedAt = this.#o.clock.now();
    this.#emit(l, 'step.failed', step.id, { attempt: state.attempt, error: state.error });
    this.#cancelInflight(l, 'run failed');
    this.#transitionRun(l, 'FAIL');
    l.run.error = { ...state.error, message: `step "${step.id}" failed: ${state.error.message}` };
    l.run.finishedAt = this.#o.clock.now();
    l.run.deadLettered = true;
    this.#emit(l, 'run.failed', undefined, { stepId: step.id, error: l.run.error, durationMs: l.run.finishedAt - (l.run.startedAt ?? l.run.createdAt) });
    this.#finished(l);
  }

  #cancelInflight(l: Loaded, why: string) {
    for (const step of l.def.steps) {
      const state = l.run.steps[step.id] as StepState;
      const started = state.status === 'running' || state.status === 'retrying';
      const controller = l.inflight.get(step.id);
      controller?.abort(new StepAbort('cancel', why));
      if (controller) this.#stepDone(l, step.id);
      if (started) {
        this.#transitionStep(state, 'CANCEL');
        state.finishedAt = this.#o.clock.now();
        state.wait = undefined;
        state.delay = undefined;
        state.wakeAt = undefined;
        this.#emit(l, 'step.cancelled', step.id, { reason: why });
      }
    }
  }

  #completeRun(l: Loaded) {
    const output: Record<string, unknown> = {};
    for (const id of l.def.leaves) output[id] = l.run.steps[id]?.output ?? null;
    this.#transitionRun(l, 'SUCCEED');
    l.run.output = output;
    l.run.finishedAt = this.#o.clock.now();
    this.#emit(l, 'run.completed', undefined, { durationMs: l.run.finishedAt - (l.run.startedAt ?? l.run.createdAt) });
    this.#finished(l);
  }

  #finished(l: Loaded) {
    const hook = this.#o.onRunFinished;
    if (hook) void this.#persisted().then(() => hook(l.run));
    l.run.waitEvents = [];
    l.run.dueAt = null;
    if (l.timer !== undefined) this.#o.clock.clearTimeout(l.timer);
    l.timer = undefined;
    this.#markDirty(l);
  }

  // ---- resuming and waking -----------------------------------------------------------------

  /** Takes over a run this engine just leased (from a poll or a wake-up) and moves it on. */
  async adopt(run: RunState): Promise<void> {
    const key = runKey(run.tenantId, run.id);
    if (this.#loaded.has(key)) return;
    let def: CompiledWorkflow;
    try {
      def = await this.#o.definition(run.tenantId, run.workflowId, run.version);
    } catch (error) {
      this.#o.logger.error('auterity: cannot load the definition of a workflow run', { runId: run.id, error });
      return;
    }
    if (this.#loaded.has(key)) return;
    const l = this.#load(run, def);
    const control = run.control;
    run.control = undefined;
    if (control === 'cancel') return this.#applyCancel(l);
    if (control === 'pause' && runLifecycle.can(run.status, 'PAUSE')) return this.#applyPause(l);
    switch (run.status) {
      case 'queued':
        return this.#begin(l);
      case 'running':
        // Whatever was mid-attempt when its engine died runs again, with the same idempotency key.
        for (const step of def.steps) {
          const state = run.steps[step.id] as StepState;
          if (state.status === 'running' && !state.delay && !state.wait) {
            this.#transitionStep(state, 'INTERRUPT');
            this.#emit(l, 'step.interrupted', step.id, { attempt: state.attempt });
          }
        }
        await this.#resolveWaits(l);
        this.#drive(l);
        this.#markDirty(l);
        return;
      case 'waiting':
        this.#transitionRun(l, 'WAKE');
        await this.#resolveWaits(l);
        this.#drive(l);
        this.#markDirty(l);
        return;
      default:
        this.#markDirty(l);
    }
  }

  /** Leases and moves on a run whose timer fell due or whose event arrived. */
  async wake(tenantId: string, runId: string, eventMatched = false): Promise<void> {
    if (this.#closed) return;
    const l = this.#loaded.get(runKey(tenantId, runId));
    if (l) {
      // A run loaded here but no longer running is being handed back: `#unload` looks at its waits
      // again once that is durable. Changing it now would race the release.
      if (l.run.status !== 'running') return;
      await this.#resolveWaits(l);
      this.#drive(l);
      return;
    }
    const now = this.#o.clock.now();
    const run = await this.#o.store.claimRun(tenantId, runId, this.#o.ownerId, now, now + this.#o.leaseMs);
    if (!run) return;
    const due = eventMatched ? run.status === 'waiting' : run.dueAt !== null && run.dueAt <= now;
    if (!due || TERMINAL_RUN.has(run.status) || run.status === 'paused') {
      if (!this.#loaded.has(runKey(tenantId, runId))) await this.#o.store.commit(this.#o.ownerId, 0, [{ run, events: [], release: true }]);
      return;
    }
    await this.adopt(run);
  }

  /** Wakes loaded runs whose event.wait may match `name` (events emitted through this engine). */
  async eventArrived(tenantId: string, name: string): Promise<void> {
    for (const l of Array.from(this.#loaded.values())) {
      // Runs being handed back (waiting, paused) are looked at again by `#unload` (see `wake`).
      if (l.run.tenantId !== tenantId || l.run.status !== 'running') continue;
      if (Object.values(l.run.steps).some((s) => s.wait?.event === name)) {
        await this.#resolveWaits(l);
        this.#drive(l);
      }
    }
  }

  // ---- controls ----------------------------------------------------------------------------

  /** Applies a control to a run: here if loaded, else by leasing it, else by asking its holder. */
  async control(tenantId: string, runId: string, control: 'pause' | 'resume' | 'cancel' | 'retry'): Promise<void> {
    const now = this.#o.clock.now();
    let l = this.#loaded.get(runKey(tenantId, runId));
    if (!l) {
      const run = await this.#o.store.claimRun(tenantId, runId, this.#o.ownerId, now, now + this.#o.leaseMs);
      if (!run) {
        const existing = await this.#o.store.loadRun(tenantId, runId);
        if (!existing) throw new AuterityError('not_found', `Run "${runId}" does not exist.`);
        if ((control === 'pause' || control === 'cancel') && (await this.#o.store.requestControl(tenantId, runId, control, now))) return;
        throw new AuterityError('conflict', `Run "${runId}" is held by another engine; try again.`);
      }
      l = this.#loaded.get(runKey(tenantId, runId));
      if (!l) {
        const def = await this.#o.definition(tenantId, run.workflowId, run.version);
        l = this.#loaded.get(runKey(tenantId, runId)) ?? this.#load(run, def);
      }
    }
    const loaded = l;
    const ensure = (event: RunMachineEvent) => {
      if (!runLifecycle.can(loaded.run.status, event)) {
        this.#markDirty(loaded);
        throw new AuterityError('conflict', `Run "${runId}" is ${loaded.run.status} and cannot ${control}.`, { details: { status: loaded.run.status } });
      }
    };
    switch (control) {
      case 'pause':
        ensure('PAUSE');
        return this.#applyPause(loaded);
      case 'cancel':
        ensure('CANCEL');
        return this.#applyCancel(loaded);
      case 'resume':
        ensure('RESUME');
        this.#transitionRun(loaded, 'RESUME');
        this.#emit(loaded, 'run.resumed');
        if (!loaded.run.startedAt) {
          loaded.run.startedAt = now;
          this.#emit(loaded, 'run.started', undefined, { workflowId: loaded.run.workflowId, version: loaded.run.version });
        }
        await this.#resolveWaits(loaded);
        return this.#drive(loaded);
      case 'retry': {
        ensure('RETRY');
        this.#transitionRun(loaded, 'RETRY');
        loaded.run.deadLettered = false;
        loaded.run.error = undefined;
        loaded.run.finishedAt = undefined;
        const reset: string[] = [];
        for (const step of loaded.def.steps) {
          const state = loaded.run.steps[step.id] as StepState;
          if (state.status === 'failed' || state.status === 'cancelled') {
            this.#transitionStep(state, 'RESET');
            state.retryBase = state.attempt;
            state.error = undefined;
            reset.push(step.id);
          }
        }
        this.#emit(loaded, 'run.retried', undefined, { steps: reset });
        return this.#drive(loaded);
      }
    }
  }

  #applyPause(l: Loaded) {
    this.#transitionRun(l, 'PAUSE');
    this.#emit(l, 'run.paused');
  }

  #applyCancel(l: Loaded) {
    this.#cancelInflight(l, 'run cancelled');
    for (const step of l.def.steps) {
      const state = l.run.steps[step.id] as StepState;
      if (state.status === 'pending' || state.status === 'ready') this.#transitionStep(state, 'CANCEL');
    }
    this.#transitionRun(l, 'CANCEL');
    l.run.finishedAt = this.#o.clock.now();
    this.#emit(l, 'run.cancelled');
    this.#finished(l);
  }

  /** Controls asked of runs held here, by other engines (seen at heartbeat). */
  applyRemoteControl(tenantId: string, runId: string, control: 'pause' | 'cancel') {
    const l = this.#loaded.get(runKey(tenantId, runId));
    if (!l) return;
    l.run.control = undefined;
    if (control === 'cancel' && runLifecycle.can(l.run.status, 'CANCEL')) this.#applyCancel(l);
    else if (control === 'pause' && runLifecycle.can(l.run.status, 'PAUSE')) this.#applyPause(l);
    else this.#markDirty(l);
  }

  /** Runs whose lease the store says this engine lost. */
  leaseLost(tenantId: string, runId: string) {
    const l = this.#loaded.get(runKey(tenantId, runId));
    if (l) this.#lose(l);
  }

  // ---- sub-workflows -----------------------------------------------------------------------

  async #runChild(ctx: ActionRunContext<unknown>, workflowId: string, input: unknown, version: number | undefined): Promise<ChildRunResult> {
    const tenantId = ctx.tenant.id;
    // Deterministic id: a re-run of the step (same idempotency key) finds the same child.
    const childId = `${ctx.run.id}.${ctx.stepId}`;
    const pinned = version ?? (await this.resolveVersion(tenantId, workflowId));
    await this.start({ tenantId, workflowId, version: pinned, input, priority: 0, trigger: 'workflow', runId: childId, parent: { runId: ctx.run.id, stepId: ctx.stepId } });
    const onAbort = () => void this.control(tenantId, childId, 'cancel').catch(() => undefined);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.waitForRun(tenantId, childId, ctx.signal);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  resolveVersion: (tenantId: string, workflowId: string) => Promise<number> = async (tenantId, workflowId) => {
    const version = await this.#o.store.getVersion(tenantId, workflowId);
    if (!version) throw new AuterityError('not_found', `Workflow "${workflowId}" does not exist.`);
    return version.version;
  };

  /** Resolves when the run ends (succeeded, failed or cancelled). */
  async waitForRun(tenantId: string, runId: string, signal?: AbortSignal): Promise<ChildRunResult> {
    for (;;) {
      const run = await this.#o.store.loadRun(tenantId, runId);
      if (!run) throw new AuterityError('not_found', `Run "${runId}" does not exist.`);
      if (TERMINAL_RUN.has(run.status)) return { status: run.status as ChildRunResult['status'], output: run.output ?? null, error: run.error };
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const off = this.onPersisted(tenantId, runId, done);
        const timer = setTimeout(done, 500);
        timer.unref();
        signal?.addEventListener('abort', done, { once: true });
        function done() {
          off();
          clearTimeout(timer);
          resolve();
        }
      });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const l of this.#loaded.values()) {
      // Left to their leases as they are: a step aborted here must not move its run on (to
      // `waiting` with nothing to wait for); the next engine re-runs it with the same key.
      l.lost = true;
      if (l.timer !== undefined) this.#o.clock.clearTimeout(l.timer);
      for (const controller of l.inflight.values()) controller.abort(new StepAbort('lost', 'the engine is shutting down'));
    }
    await Promise.allSettled(this.#tracked);
    await this.#flushing?.catch(() => undefined);
    this.#loaded.clear();
  }
}

/** Rejects as soon as the step is aborted, even if the action ignores its signal. */
function abortable<T>(value: T | Promise<T>, abort: LazyAbort): Promise<T> {
  if (!(value instanceof Promise)) return Promise.resolve(value);
  if (abort.aborted) return Promise.reject(abort.reason);
  return new Promise<T>((resolve, reject) => {
    const off = abort.onAbort(reject);
    value.then(
      (result) => {
        off();
        resolve(result);
      },
      (error: unknown) => {
        off();
        reject(error);
      },
    );
  });
}
