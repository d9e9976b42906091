// The SQL store (SQLite or PostgreSQL) over tenant-scoped handles only. The one cross-tenant need —
// "which tenants might have due work" — goes through the storage's unscoped tenant list; every
// query on workflow tables runs inside one tenant's scope.
//
// Fencing: a run's snapshot is written only `where lease_owner = <this engine>`, and its events
// only after that update succeeded, in the same transaction. An engine that lost its lease (it
// stalled past the lease and another engine took over) writes nothing.
import { isUniqueViolation } from '../../storage/db-errors.js';
import type { WorkflowRunsTable } from '../../storage/schema.js';
import type { TenantScope } from '../../storage/scope.js';
import type { BufferedEvent, RunCommit, RunEvent, RunFilter, RunState, StoredVersion, StoredWorkflow, WorkflowStore } from './types.js';

export interface SqlStoreDependencies {
  scope(tenantId: string): TenantScope;
  listTenantIds(): Promise<string[]>;
}

type RunRow = Omit<WorkflowRunsTable, 'tenant_id'>;

function toRow(run: RunState): Omit<RunRow, 'lease_owner' | 'lease_until' | 'control'> {
  return {
    id: run.id,
    workflow_id: run.workflowId,
    version: run.version,
    status: run.status,
    priority: run.priority,
    snapshot: JSON.stringify(run),
    seq: run.seq,
    dead_lettered: run.deadLettered ? 1 : 0,
    parent_run_id: run.parent?.runId ?? null,
    started_by: run.startedBy ?? null,
    due_at: run.dueAt,
    wait_events: run.waitEvents.length ? `|${run.waitEvents.join('|')}|` : null,
    created_at: run.createdAt,
    started_at: run.startedAt ?? null,
    finished_at: run.finishedAt ?? null,
    updated_at: run.updatedAt,
  };
}

function fromRow(row: Pick<RunRow, 'snapshot' | 'due_at' | 'control' | 'status' | 'started_by'>): RunState {
  const run = JSON.parse(row.snapshot) as RunState;
  run.startedBy = row.started_by;
  // Columns others may change without the snapshot (event wake-ups, remote controls) win.
  run.dueAt = row.due_at === null ? null : Number(row.due_at);
  run.control = row.control === 'pause' || row.control === 'cancel' ? row.control : undefined;
  return run;
}

function eventRow(event: RunEvent) {
  return {
    run_id: event.runId,
    seq: event.seq,
    type: event.type,
    step_id: event.stepId ?? null,
    data: event.data === undefined ? null : JSON.stringify(event.data),
    at: event.at,
  };
}

// Rows per multi-row statement: well under SQLite's 32,766 bound parameters.
const CHUNK = 100;

export class SqlWorkflowStore implements WorkflowStore {
  readonly durable = true;
  readonly #deps: SqlStoreDependencies;
  readonly #scopes = new Map<string, TenantScope>();

  constructor(deps: SqlStoreDependencies) {
    this.#deps = deps;
  }

  #scope(tenantId: string): TenantScope {
    let scope = this.#scopes.get(tenantId);
    if (!scope) {
      scope = this.#deps.scope(tenantId);
      this.#scopes.set(tenantId, scope);
      if (this.#scopes.size > 10_000) this.#scopes.delete(this.#scopes.keys().next().value as string);
    }
    return scope;
  }

  tenants(): Promise<string[]> {
    return this.#deps.listTenantIds();
  }

  async saveVersion(tenantId: string, workflowId: string, name: string, definition: unknown, now: number, webhookSecret: string): Promise<StoredVersion> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#scope(tenantId).transaction(async (tx) => {
          const existing = await tx.selectFrom('workflows').select(['latest_version']).where('id', '=', workflowId).executeTakeFirst();
          const version = (existing?.latest_version ?? 0) + 1;
          if (existing) {
            await tx.updateTable('workflows').set({ latest_version: version, name, updated_at: now }).where('id', '=', workflowId).execute();
          } else {
            await tx.insertInto('workflows').values({ id: workflowId, name, latest_version: version, webhook_secret: webhookSecret, created_at: now, updated_at: now }).execute();
          }
          await tx.insertInto('workflow_versions').values({ workflow_id: workflowId, version, name, definition: JSON.stringify(definition), created_at: now }).execute();
          return { workflowId, version, name, definition, createdAt: now };
        });
      } catch (error) {
        // Two saves raced for the same version number: the loser tries again.
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  async getVersion(tenantId: string, workflowId: string, version?: number): Promise<StoredVersion | undefined> {
    let query = this.#scope(tenantId).selectFrom('workflow_versions').selectAll().where('workflow_id', '=', workflowId);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row && { workflowId: row.workflow_id, version: row.version, name: row.name, definition: JSON.parse(row.definition) as unknown, createdAt: Number(row.created_at) };
  }

  async getWorkflow(tenantId: string, workflowId: string): Promise<StoredWorkflow | undefined> {
    const row = await this.#scope(tenantId).selectFrom('workflows').selectAll().where('id', '=', workflowId).executeTakeFirst();
    return row && { id: row.id, name: row.name, latestVersion: row.latest_version, webhookSecret: row.webhook_secret, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) };
  }

  async listWorkflows(tenantId: string): Promise<StoredWorkflow[]> {
    const rows = await this.#scope(tenantId).selectFrom('workflows').selectAll().orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, latestVersion: row.latest_version, webhookSecret: row.webhook_secret, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) }));
  }

  async insertRun(run: RunState, events: RunEvent[], owner: string, leaseUntil: number): Promise<boolean> {
    try {
      const row = { ...toRow(run), lease_owner: owner, lease_until: leaseUntil, control: null };
      const scope = this.#scope(run.tenantId);
      if (events.length === 0) await scope.insertInto('workflow_runs').values(row).execute();
      else {
        await scope.transaction(async (tx) => {
          await tx.insertInto('workflow_runs').values(row).execute();
          await tx.insertInto('workflow_run_events').values(events.map(eventRow)).execute();
        });
      }
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async commit(owner: string, leaseUntil: number, batch: readonly RunCommit[]): Promise<Set<string>> {
    const lost = new Set<string>();
    const byTenant = new Map<string, RunCommit[]>();
    for (const commit of batch) {
      const list = byTenant.get(commit.run.tenantId) ?? [];
      list.push(commit);
      byTenant.set(commit.run.tenantId, list);
    }
    for (const [tenantId, commits] of byTenant) {
      await this.#scope(tenantId).transaction(async (tx) => {
        // One multi-row upsert per chunk instead of an update per run: the `where` on the conflict
        // branch is the fence, and `returning` says which runs were still ours.
        const held = new Set<string>();
        for (let i = 0; i < commits.length; i += CHUNK) {
          const chunk = commits.slice(i, i + CHUNK);
          const rows = chunk.map(({ run, release }) => ({ ...toRow(run), lease_owner: release ? null : owner, lease_until: release ? null : leaseUntil, control: run.control ?? null }));
          const updated = await tx
            .insertInto('workflow_runs')
            .values(rows)
            .onConflict((oc) =>
              oc
                .columns(['tenant_id', 'id'])
                .doUpdateSet((eb) => ({
                  status: eb.ref('excluded.status'),
                  priority: eb.ref('excluded.priority'),
                  snapshot: eb.ref('excluded.snapshot'),
                  seq: eb.ref('excluded.seq'),
                  dead_lettered: eb.ref('excluded.dead_lettered'),
                  due_at: eb.ref('excluded.due_at'),
                  wait_events: eb.ref('excluded.wait_events'),
                  control: eb.ref('excluded.control'),
                  lease_owner: eb.ref('excluded.lease_owner'),
                  lease_until: eb.ref('excluded.lease_until'),
                  started_at: eb.ref('excluded.started_at'),
                  finished_at: eb.ref('excluded.finished_at'),
                  updated_at: eb.ref('excluded.updated_at'),
                }))
                .where('workflow_runs.lease_owner', '=', owner),
            )
            .returning(['id'])
            .execute();
          for (const row of updated) held.add(row.id);
        }
        const events: ReturnType<typeof eventRow>[] = [];
        for (const { run, events: runEvents } of commits) {
          if (!held.has(run.id)) lost.add(run.id);
          else for (const event of runEvents) events.push(eventRow(event));
        }
        for (let i = 0; i < events.length; i += CHUNK) await tx.insertInto('workflow_run_events').values(events.slice(i, i + CHUNK)).execute();
      });
    }
    return lost;
  }

  async loadRun(tenantId: string, runId: string): Promise<RunState | undefined> {
    const row = await this.#scope(tenantId).selectFrom('workflow_runs').select(['snapshot', 'due_at', 'control', 'status', 'started_by']).where('id', '=', runId).executeTakeFirst();
    return row && fromRow(row);
  }

  async listRuns(tenantId: string, filter: RunFilter): Promise<RunState[]> {
    let query = this.#scope(tenantId).selectFrom('workflow_runs').select(['snapshot', 'due_at', 'control', 'status', 'started_by']);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.workflowId) query = query.where('workflow_id', '=', filter.workflowId);
    if (filter.deadLettered !== undefined) query = query.where('dead_lettered', '=', filter.deadLettered ? 1 : 0);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(filter.limit ?? 100, 1000)).execute();
    return rows.map(fromRow);
  }

  async readEvents(tenantId: string, runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
    const rows = await this.#scope(tenantId)
      .selectFrom('workflow_run_events')
      .selectAll()
      .where('run_id', '=', runId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      runId: row.run_id,
      seq: Number(row.seq),
      type: row.type as RunEvent['type'],
      at: Number(row.at),
      ...(row.step_id === null ? {} : { stepId: row.step_id }),
      ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
    }));
  }

  async claimDue(tenantId: string, owner: string, now: number, leaseUntil: number, limit: number): Promise<RunState[]> {
    const scope = this.#scope(tenantId);
    const candidates = await scope
      .selectFrom('workflow_runs')
      .select(['id'])
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('priority', 'desc')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    const claimed: RunState[] = [];
    for (const { id } of candidates) {
      const run = await this.claimRun(tenantId, id, owner, now, leaseUntil, true);
      if (run) claimed.push(run);
    }
    return claimed;
  }

  async claimRun(tenantId: string, runId: string, owner: string, now: number, leaseUntil: number, dueOnly = false): Promise<RunState | undefined> {
    let update = this.#scope(tenantId)
      .updateTable('workflow_runs')
      .set({ lease_owner: owner, lease_until: leaseUntil })
      .where('id', '=', runId)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]));
    if (dueOnly) update = update.where('due_at', '<=', now);
    const result = await update.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.loadRun(tenantId, runId);
  }

  async renew(tenantId: string, owner: string, runIds: readonly string[], leaseUntil: number) {
    const scope = this.#scope(tenantId);
    const held = new Set<string>();
    const controls = new Map<string, 'pause' | 'cancel'>();
    for (let i = 0; i < runIds.length; i += CHUNK) {
      const ids = runIds.slice(i, i + CHUNK);
      await scope.updateTable('workflow_runs').set({ lease_until: leaseUntil }).where('id', 'in', ids).where('lease_owner', '=', owner).execute();
      const rows = await scope.selectFrom('workflow_runs').select(['id', 'control']).where('id', 'in', ids).where('lease_owner', '=', owner).execute();
      for (const row of rows) {
        held.add(row.id);
        if (row.control === 'pause' || row.control === 'cancel') controls.set(row.id, row.control);
      }
    }
    return { lost: runIds.filter((id) => !held.has(id)), controls };
  }

  async requestControl(tenantId: string, runId: string, control: 'pause' | 'cancel', now: number): Promise<boolean> {
    const result = await this.#scope(tenantId)
      .updateTable('workflow_runs')
      .set({ control })
      .where('id', '=', runId)
      .where('lease_owner', 'is not', null)
      .where('lease_until', '>=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async countActive(tenantId: string, workflowId?: string): Promise<number> {
    let query = this.#scope(tenantId)
      .selectFrom('workflow_runs')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('status', 'in', ['running', 'waiting']);
    if (workflowId) query = query.where('workflow_id', '=', workflowId);
    const row = await query.executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async appendEvent(tenantId: string, event: BufferedEvent): Promise<void> {
    await this.#scope(tenantId).insertInto('workflow_events').values({ id: event.id, name: event.name, payload: JSON.stringify(event.payload), at: event.at }).execute();
  }

  async findEvents(tenantId: string, name: string, since: number): Promise<BufferedEvent[]> {
    const rows = await this.#scope(tenantId).selectFrom('workflow_events').selectAll().where('name', '=', name).where('at', '>=', since).orderBy('at').orderBy('id').limit(1000).execute();
    return rows.map((row) => ({ id: row.id, name: row.name, payload: JSON.parse(row.payload) as unknown, at: Number(row.at) }));
  }

  async wakeWaiters(tenantId: string, name: string, now: number): Promise<void> {
    // LIKE's `_` may match more than meant; a run woken for nothing just goes back to waiting.
    await this.#scope(tenantId)
      .updateTable('workflow_runs')
      .set({ due_at: now })
      .where('status', '=', 'waiting')
      .where('wait_events', 'like', `%|${name.replace(/%/g, '_')}|%`)
      .execute();
  }

  async pruneEvents(tenantId: string, before: number): Promise<void> {
    await this.#scope(tenantId).deleteFrom('workflow_events').where('at', '<', before).execute();
  }

  async claimTick(tenantId: string, workflowId: string, triggerIndex: number, tickAt: number): Promise<boolean> {
    try {
      await this.#scope(tenantId).insertInto('workflow_cron_ticks').values({ workflow_id: workflowId, trigger_index: triggerIndex, tick_at: tickAt }).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async releaseTick(tenantId: string, workflowId: string, triggerIndex: number, tickAt: number): Promise<void> {
    await this.#scope(tenantId).deleteFrom('workflow_cron_ticks').where('workflow_id', '=', workflowId).where('trigger_index', '=', triggerIndex).where('tick_at', '=', tickAt).execute();
  }

  async lastTick(tenantId: string, workflowId: string, triggerIndex: number): Promise<number | undefined> {
    // Served by the primary key (tenant_id, workflow_id, trigger_index, tick_at).
    const row = await this.#scope(tenantId)
      .selectFrom('workflow_cron_ticks')
      .select((eb) => eb.fn.max('tick_at').as('last'))
      .where('workflow_id', '=', workflowId)
      .where('trigger_index', '=', triggerIndex)
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? undefined : Number(row.last);
  }
}
