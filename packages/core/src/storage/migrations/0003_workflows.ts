// Workflows: definitions and their versions, runs (snapshot + lease + durable timer), the append-only
// run event log, the event buffer for event.wait, and cron ticks (one row per fired tick, so engines
// sharing the database fire each tick once). Schema builder only: SQLite and PostgreSQL alike.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

export const workflows: AuterityMigration = {
  name: '0003_workflows',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workflows')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('latest_version', 'integer', (c) => c.notNull())
      .addColumn('webhook_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflows_pkey', ['tenant_id', 'id'])
      .execute();

    await db.schema
      .createTable('workflow_versions')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_versions_pkey', ['tenant_id', 'workflow_id', 'version'])
      .execute();

    await db.schema
      .createTable('workflow_runs')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('dead_lettered', 'integer', (c) => c.notNull())
      .addColumn('parent_run_id', 'text')
      .addColumn('due_at', 'bigint')
      .addColumn('wait_events', 'text')
      .addColumn('control', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_runs_pkey', ['tenant_id', 'id'])
      .execute();
    // The poller's query: due runs, highest priority first.
    await db.schema.createIndex('workflow_runs_due_idx').on('workflow_runs').columns(['tenant_id', 'due_at']).execute();
    await db.schema.createIndex('workflow_runs_status_idx').on('workflow_runs').columns(['tenant_id', 'workflow_id', 'status']).execute();
    await db.schema.createIndex('workflow_runs_created_idx').on('workflow_runs').columns(['tenant_id', 'created_at']).execute();

    await db.schema
      .createTable('workflow_run_events')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text')
      .addColumn('data', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_run_events_pkey', ['tenant_id', 'run_id', 'seq'])
      .execute();

    await db.schema
      .createTable('workflow_events')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_events_pkey', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('workflow_events_name_idx').on('workflow_events').columns(['tenant_id', 'name', 'at']).execute();

    await db.schema
      .createTable('workflow_cron_ticks')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('trigger_index', 'integer', (c) => c.notNull())
      .addColumn('tick_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_cron_ticks_pkey', ['tenant_id', 'workflow_id', 'trigger_index', 'tick_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['workflow_cron_ticks', 'workflow_events', 'workflow_run_events', 'workflow_runs', 'workflow_versions', 'workflows']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
