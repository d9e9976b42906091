// Governance: tenant policies, the audit hash chain (entries plus head/anchor), invitations and
// approval requests. Schema builder only, so it runs on SQLite and PostgreSQL alike.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

export const governance: AuterityMigration = {
  name: '0002_governance',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('governance_policies')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('governance_policies_pkey', ['tenant_id', 'id'])
      .execute();

    await db.schema
      .createTable('audit_entries')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_entries_pkey', ['tenant_id', 'seq'])
      .execute();

    await db.schema
      .createTable('audit_chains')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('head_seq', 'bigint', (c) => c.notNull())
      .addColumn('head_hash', 'text', (c) => c.notNull())
      .addColumn('anchor_seq', 'bigint')
      .addColumn('anchor_hash', 'text')
      .execute();

    await db.schema
      .createTable('invitations')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('accepted_at', 'bigint')
      .addColumn('accepted_by', 'text')
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('invitations_pkey', ['tenant_id', 'id'])
      .execute();

    await db.schema
      .createTable('approvals')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('chain_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requester_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addColumn('next_timer_at', 'bigint')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('approvals_pkey', ['tenant_id', 'id'])
      .execute();
    // processDue looks for pending requests whose timer has fallen due.
    await db.schema.createIndex('approvals_due_idx').on('approvals').columns(['tenant_id', 'status', 'next_timer_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['approvals', 'invitations', 'audit_chains', 'audit_entries', 'governance_policies']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
