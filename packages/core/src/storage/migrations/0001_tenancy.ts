// Tenants, their members and their API keys. Written with kysely's schema builder only, so the same
// migration runs on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

export const tenancy: AuterityMigration = {
  name: '0001_tenancy',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tenants')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('members')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('members_pkey', ['tenant_id', 'id'])
      .addUniqueConstraint('members_tenant_email_key', ['tenant_id', 'email'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('api_keys_pkey', ['tenant_id', 'id'])
      .execute();
    // Verification finds a key by the id embedded in it, before the tenant is known.
    await db.schema.createIndex('api_keys_id_key').on('api_keys').column('id').unique().execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('api_keys').execute();
    await db.schema.dropTable('members').execute();
    await db.schema.dropTable('tenants').execute();
  },
};
