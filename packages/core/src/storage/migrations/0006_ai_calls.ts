// AI: one row per chat call (routed, cached, denied or over budget) — the cost of every call for
// analytics, the usage aggregates, and the outcomes of experiment arms.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

export const aiCalls: AuterityMigration = {
  name: '0006_ai_calls',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ai_calls')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('strategy', 'text')
      .addColumn('model', 'text')
      .addColumn('provider', 'text')
      .addColumn('arm', 'text')
      .addColumn('api_key_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('prompt_tokens', 'bigint', (c) => c.notNull())
      .addColumn('completion_tokens', 'bigint', (c) => c.notNull())
      .addColumn('cost', 'bigint', (c) => c.notNull())
      .addColumn('latency_ms', 'bigint', (c) => c.notNull())
      .addColumn('ttft_ms', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('cached', 'integer', (c) => c.notNull())
      .addColumn('redactions', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'double precision')
      .addColumn('streamed', 'integer', (c) => c.notNull())
      .addColumn('uncounted_tokens', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ai_calls_pkey', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('ai_calls_at_idx').on('ai_calls').columns(['tenant_id', 'at']).execute();
    await db.schema.createIndex('ai_calls_route_idx').on('ai_calls').columns(['tenant_id', 'route', 'arm']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('ai_calls').execute();
  },
};
