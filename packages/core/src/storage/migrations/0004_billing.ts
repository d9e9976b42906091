// Billing: usage counters, the usage ledger, reservations, rate-limit state, subscriptions and
// applied provider events. Schema builder only, so it runs on SQLite and PostgreSQL alike.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

export const billing: AuterityMigration = {
  name: '0004_billing',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('billing_counters')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('feature', 'text', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('window_end', 'bigint', (c) => c.notNull())
      .addColumn('used', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_counters_pkey', ['tenant_id', 'feature', 'window_start'])
      .execute();

    await db.schema
      .createTable('billing_usage')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('feature', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reported_at', 'bigint')
      .addPrimaryKeyConstraint('billing_usage_pkey', ['tenant_id', 'id'])
      .execute();
    // NULL keys are distinct on both dialects, so only keyed usage is de-duplicated.
    await db.schema.createIndex('billing_usage_idempotency_idx').on('billing_usage').columns(['tenant_id', 'idempotency_key']).unique().execute();
    await db.schema.createIndex('billing_usage_at_idx').on('billing_usage').columns(['tenant_id', 'at']).execute();

    await db.schema
      .createTable('billing_reservations')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('feature', 'text', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('window_end', 'bigint', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_reservations_pkey', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('billing_reservations_expiry_idx').on('billing_reservations').columns(['tenant_id', 'feature', 'expires_at']).execute();

    await db.schema
      .createTable('billing_rates')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('tat', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_rates_pkey', ['tenant_id', 'key'])
      .execute();

    await db.schema
      .createTable('billing_subscriptions')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('plan_id', 'text', (c) => c.notNull())
      .addColumn('plan_version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('interval', 'text', (c) => c.notNull())
      .addColumn('anchor_at', 'bigint', (c) => c.notNull())
      .addColumn('current_period_start', 'bigint', (c) => c.notNull())
      .addColumn('current_period_end', 'bigint', (c) => c.notNull())
      .addColumn('trial_ends_at', 'bigint')
      .addColumn('cancel_at_period_end', 'integer', (c) => c.notNull())
      .addColumn('pending_plan_id', 'text')
      .addColumn('pending_interval', 'text')
      .addColumn('addons', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('customer_ref', 'text')
      .addColumn('subscription_ref', 'text')
      .addColumn('provider_updated_at', 'bigint')
      .addColumn('status_updated_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('billing_subscriptions_customer_idx').on('billing_subscriptions').columns(['customer_ref']).execute();

    await db.schema
      .createTable('billing_events')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_events_pkey', ['tenant_id', 'event_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['billing_events', 'billing_subscriptions', 'billing_rates', 'billing_reservations', 'billing_usage', 'billing_counters']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
