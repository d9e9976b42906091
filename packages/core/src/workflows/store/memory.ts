// The in-memory store: the same contract as the SQL one, for embedding without a database, tests
// and the in-memory benchmark. Nothing survives the process.
import type { BufferedEvent, RunCommit, RunEvent, RunFilter, RunState, StoredVersion, StoredWorkflow, WorkflowStore } from './types.js';

interface Entry {
  run: RunState;
  events: RunEvent[];
  owner: string | null;
  leaseUntil: number;
}

const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

export class MemoryWorkflowStore implements WorkflowStore {
  readonly durable = false;
  readonly #workflows = new Map<string, StoredWorkflow>();
  readonly #versions = new Map<string, StoredVersion[]>();
  readonly #runs = new Map<string, Entry>();
  readonly #byTenant = new Map<string, Set<Entry>>();
  readonly #events = new Map<string, BufferedEvent[]>();
  readonly #ticks = new Set<string>();
  readonly #lastTicks = new Map<string, number>();

  async tenants(): Promise<string[]> {
    return [...this.#byTenant.keys()];
  }

  async saveVersion(tenantId: string, workflowId: string, name: string, definition: unknown, now: number, webhookSecret: string): Promise<StoredVersion> {
    const k = key(tenantId, workflowId);
    const existing = this.#workflows.get(k);
    const version = (existing?.latestVersion ?? 0) + 1;
    this.#workflows.set(k, { id: workflowId, name, latestVersion: version, webhookSecret: existing?.webhookSecret ?? webhookSecret, createdAt: existing?.createdAt ?? now, updatedAt: now });
    const stored: StoredVersion = { workflowId, version, name, definition, createdAt: now };
    const list = this.#versions.get(k) ?? [];
    list.push(stored);
    this.#versions.set(k, list);
    this.#tenant(tenantId);
    return stored;
  }
  async getVersion(tenantId: string, workflowId: string, version?: number): Promise<StoredVersion | undefined> {
    const list = this.#versions.get(key(tenantId, workflowId));
    return version === undefined ? list?.at(-1) : list?.find((v) => v.version === version);
  }
  async getWorkflow(tenantId: string, workflowId: string): Promise<StoredWorkflow | undefined> {
    return this.#workflows.get(key(tenantId, workflowId));
  }
  async listWorkflows(tenantId: string): Promise<StoredWorkflow[]> {
    const prefix = key(tenantId, '');
    return [...this.#workflows].filter(([k]) => k.startsWith(prefix)).map(([, w]) => w).sort((a, b) => a.id.localeCompare(b.id));
  }

  #tenant(tenantId: string): Set<Entry> {
    let set = this.#byTenant.get(tenantId);
    if (!set) this.#byTenant.set(tenantId, (set = new Set()));
    return set;
  }

  async insertRun(run: RunState, events: RunEvent[], owner: string, leaseUntil: number): Promise<boolean> {
    const k = key(run.tenantId, run.id);
    if (this.#runs.has(k)) return false;
    const entry: Entry = { run, events: [...events], owner, leaseUntil };
    this.#runs.set(k, entry);
    this.#tenant(run.tenantId).add(entry);
    return true;
  }
  async commit(owner: string, leaseUntil: number, batch: readonly RunCommit[]): Promise<Set<string>> {
    const lost = new Set<string>();
    for (const { run, events, release } of batch) {
      const entry = this.#runs.get(key(run.tenantId, run.id));
      if (!entry || entry.owner !== owner) {
        lost.add(run.id);
        continue;
      }
      entry.run = run;
      for (const event of events) entry.events.push(event);
      if (release) {
        entry.owner = null;
        entry.leaseUntil = 0;
      } else entry.leaseUntil = leaseUntil;
    }
    return lost;
  }
  async loadRun(tenantId: string, runId: string): Promise<RunState | undefined> {
    return this.#runs.get(key(tenantId, runId))?.run;
  }
  async listRuns(tenantId: string, filter: RunFilter): Promise<RunState[]> {
    const out: RunState[] = [];
    for (const { run } of this.#byTenant.get(tenantId) ?? []) {
      if (filter.status && run.status !== filter.status) continue;
      if (filter.workflowId && run.workflowId !== filter.workflowId) continue;
      if (filter.deadLettered !== undefined && run.deadLettered !== filter.deadLettered) continue;
      out.push(run);
    }
    out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    return out.slice(0, filter.limit ?? 100);
  }
  async readEvents(tenantId: string, runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
    const events = this.#runs.get(key(tenantId, runId))?.events ?? [];
    return events.slice(afterSeq, afterSeq + limit);
  }
  async claimDue(tenantId: string, owner: string, now: number, leaseUntil: number, limit: number): Promise<RunState[]> {
    const due: Entry[] = [];
    for (const entry of this.#byTenant.get(tenantId) ?? []) {
      if (entry.run.dueAt !== null && entry.run.dueAt <= now && (entry.owner === null || entry.leaseUntil < now)) due.push(entry);
    }
    due.sort((a, b) => b.run.priority - a.run.priority || a.run.createdAt - b.run.createdAt);
    return due.slice(0, limit).map((entry) => {
      entry.owner = owner;
      entry.leaseUntil = leaseUntil;
      return entry.run;
    });
  }
  async claimRun(tenantId: string, runId: string, owner: string, now: number, leaseUntil: number): Promise<RunState | undefined> {
    const entry = this.#runs.get(key(tenantId, runId));
    if (!entry || (entry.owner !== null && entry.owner !== owner && entry.leaseUntil >= now)) return undefined;
    entry.owner = owner;
    entry.leaseUntil = leaseUntil;
    return entry.run;
  }
  async renew(tenantId: string, owner: string, runIds: readonly string[], leaseUntil: number) {
    const lost: string[] = [];
    const controls = new Map<string, 'pause' | 'cancel'>();
    for (const id of runIds) {
      const entry = this.#runs.get(key(tenantId, id));
      if (!entry || entry.owner !== owner) lost.push(id);
      else {
        entry.leaseUntil = leaseUntil;
        if (entry.run.control) controls.set(id, entry.run.control);
      }
    }
    return { lost, controls };
  }
  async requestControl(tenantId: string, runId: string, control: 'pause' | 'cancel', now: number): Promise<boolean> {
    const entry = this.#runs.get(key(tenantId, runId));
    if (!entry || entry.owner === null || entry.leaseUntil < now) return false;
    entry.run.control = control;
    return true;
  }
  async countActive(tenantId: string, workflowId?: string): Promise<number> {
    let count = 0;
    for (const { run } of this.#byTenant.get(tenantId) ?? []) {
      if ((run.status === 'running' || run.status === 'waiting') && (!workflowId || run.workflowId === workflowId)) count++;
    }
    return count;
  }
  async appendEvent(tenantId: string, event: BufferedEvent): Promise<void> {
    const list = this.#events.get(tenantId) ?? [];
    list.push(event);
    this.#events.set(tenantId, list);
  }
  async findEvents(tenantId: string, name: string, since: number): Promise<BufferedEvent[]> {
    return (this.#events.get(tenantId) ?? []).filter((event) => event.name === name && event.at >= since);
  }
  async wakeWaiters(tenantId: string, name: string, now: number): Promise<void> {
    for (const { run } of this.#byTenant.get(tenantId) ?? []) {
      if (run.status === 'waiting' && run.waitEvents.includes(name)) run.dueAt = now;
    }
  }
  async pruneEvents(tenantId: string, before: number): Promise<void> {
    const list = this.#events.get(tenantId);
    if (list) this.#events.set(tenantId, list.filter((event) => event.at >= before));
  }
  async claimTick(tenantId: string, workflowId: string, triggerIndex: number, tickAt: number): Promise<boolean> {
    const k = `${key(tenantId, workflowId)}\u0000${triggerIndex}\u0000${tickAt}`;
    if (this.#ticks.has(k)) return false;
    this.#ticks.add(k);
    const last = `${key(tenantId, workflowId)}\u0000${triggerIndex}`;
    this.#lastTicks.set(last, Math.max(this.#lastTicks.get(last) ?? -Infinity, tickAt));
    return true;
  }
  async releaseTick(tenantId: string, workflowId: string, triggerIndex: number, tickAt: number): Promise<void> {
    this.#ticks.delete(`${key(tenantId, workflowId)}\u0000${triggerIndex}\u0000${tickAt}`);
  }
  async lastTick(tenantId: string, workflowId: string, triggerIndex: number): Promise<number | undefined> {
    return this.#lastTicks.get(`${key(tenantId, workflowId)}\u0000${triggerIndex}`);
  }
}
