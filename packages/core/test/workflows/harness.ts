// Shared fixtures for the workflow suites: a manual clock, recording actions, and an engine per
// backend (memory, or createAuterity on a fresh SQLite/PostgreSQL database).
import { afterAll, beforeAll } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '@auterity/testing';
import {
  createAuterity,
  createInMemoryWorkflows,
  defineAction,
  type AnyAction,
  type Auterity,
  type EngineWorkflows,
  type RunEvent,
  type TenantEvents,
  type TenantWorkflows,
  type WorkflowClock,
  type WorkflowRuntime,
  type WorkflowsOptions,
} from '@auterity/core';

export type Backend = 'memory' | 'sqlite' | 'postgres';
export const backends: readonly Backend[] = ['memory', 'sqlite', 'postgres'];

/** Time that moves only when a test says so; due timers fire in order. */
export class ManualClock implements WorkflowClock {
  #now: number;
  #next = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  constructor(start = Date.UTC(2026, 0, 5, 8, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  /** Moves time forward without firing timers (as if the process had been suspended). */
  jump(ms: number): void {
    this.#now += ms;
  }
  /** Moves time forward by `ms`, firing every timer that falls due (and letting its work settle). */
  async advance(ms: number, settle: () => Promise<void> = async () => undefined): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= target && (!first || entry[1].at < first[1].at)) first = entry;
      if (!first) break;
      this.#timers.delete(first[0]);
      this.#now = Math.max(this.#now, first[1].at);
      first[1].fn();
      await settle();
    }
    this.#now = target;
  }
}

export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A log of what actions did, in order. */
/** A step running the recorder's `test.record` action, labelled with its id. */
export const recordStep = (id: string, dependsOn: string[] = [], input: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id,
  action: 'test.record',
  input: { label: id, ...input },
  dependsOn,
  ...extra,
});

/** Two engines sharing one fresh database, with a tenant `shared` on a plan without limits. */
export interface EnginePair {
  readonly a: Auterity;
  readonly b: Auterity;
  /** Lets both engines finish what is due, a few rounds over, since each can wake the other. */
  settle(): Promise<void>;
}

export function useEnginePair(dialect: 'sqlite' | 'postgres', workflows: WorkflowsOptions): EnginePair {
  let db: TestDatabase | undefined;
  let a: Auterity | undefined;
  let b: Auterity | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    a = createAuterity({ database: db.url, workflows });
    b = createAuterity({ database: db.url, workflows });
    await a.tenants.create({ id: 'shared', plan: 'enterprise' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });
  const pair: EnginePair = {
    get a() {
      if (!a) throw new Error('engine pair used outside a test');
      return a;
    },
    get b() {
      if (!b) throw new Error('engine pair used outside a test');
      return b;
    },
    async settle() {
      for (let i = 0; i < 3; i++) await Promise.all([pair.a.workflows.idle(), pair.b.workflows.idle()]);
    },
  };
  return pair;
}

export function recorder() {
  const log: string[] = [];
  const counts = new Map<string, number>();
  const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
  const gate = (name: string) => {
    let entry = gates.get(name);
    if (!entry) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      entry = { promise, open };
      gates.set(name, entry);
    }
    return entry;
  };
  const action = defineAction({
    name: 'test.record',
    input: z.object({ label: z.string(), fail: z.number().int().default(0), value: z.unknown().optional(), gate: z.string().optional() }),
    async run({ input, attempt, idempotencyKey, signal }) {
      log.push(`${input.label}#${attempt}`);
      counts.set(idempotencyKey, (counts.get(idempotencyKey) ?? 0) + 1);
      if (input.gate) {
        await new Promise<void>((resolve, reject) => {
          void gate(input.gate as string).promise.then(resolve);
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
      }
      if (attempt <= input.fail) throw new Error(`${input.label} failed on attempt ${attempt}`);
      return input.value ?? input.label;
    },
  });
  return { log, counts, action: action as AnyAction, open: (name: string) => gate(name).open() };
}

export interface Harness {
  readonly workflows: TenantWorkflows;
  readonly events: TenantEvents;
  /** Another tenant of the same engine (isolation checks). */
  readonly other: TenantWorkflows;
  readonly runtime: EngineWorkflows;
  readonly engine: Auterity | undefined;
  readonly db: TestDatabase | undefined;
  /** Waits until nothing runs and everything is persisted. */
  settle(): Promise<void>;
  /** Events of a run, as `type[:stepId]` strings. */
  trace(runId: string): Promise<string[]>;
  eventsOf(runId: string): Promise<RunEvent[]>;
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('harness used outside a test');
  return value;
}

/** An engine for one suite on `backend`; closed (and its database dropped) after the suite. */
export function useWorkflows(backend: Backend, options: () => WorkflowsOptions, tenantId = 'acme'): Harness {
  let engine: Auterity | undefined;
  let runtime: EngineWorkflows | undefined;
  let memory: WorkflowRuntime | undefined;
  let db: TestDatabase | undefined;
  let workflows: TenantWorkflows | undefined;
  let events: TenantEvents | undefined;
  let other: TenantWorkflows | undefined;
  beforeAll(async () => {
    if (backend === 'memory') {
      memory = createInMemoryWorkflows(options());
      runtime = memory;
      workflows = memory.tenant(tenantId);
      events = memory.events(tenantId);
      other = memory.tenant('other');
      return;
    }
    db = await createTestDatabase(backend);
    engine = createAuterity({ database: db.url, workflows: options() });
    await engine.tenants.create({ id: tenantId, plan: 'enterprise' });
    await engine.tenants.create({ id: 'other', plan: 'enterprise' });
    other = engine.tenant('other', { id: 'user_admin', roles: ['admin'] }).workflows;
    const handle = engine.tenant(tenantId, { id: 'user_admin', roles: ['admin'] });
    runtime = engine.workflows;
    workflows = handle.workflows;
    events = handle.events;
  });
  afterAll(async () => {
    await memory?.close();
    await engine?.close();
    await db?.drop();
  });
  const eventsOf = async (runId: string) => {
    const out: RunEvent[] = [];
    for await (const event of need(workflows).runs.events(runId, { follow: false })) out.push(event);
    return out;
  };
  return {
    get workflows() {
      return need(workflows);
    },
    get events() {
      return need(events);
    },
    get other() {
      return need(other);
    },
    get runtime() {
      return need(runtime);
    },
    get engine() {
      return engine;
    },
    get db() {
      return db;
    },
    settle: async () => {
      await need(runtime).idle();
      await tick();
      await need(runtime).idle();
    },
    eventsOf,
    trace: async (runId) => (await eventsOf(runId)).map((e) => (e.stepId ? `${e.type}:${e.stepId}` : e.type)),
  };
}
