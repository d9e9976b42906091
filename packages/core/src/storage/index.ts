// Storage: kysely over SQLite or PostgreSQL, migrations, and the tenant-scoped data access.
//
// Adding a domain's tables:
//   1. declare the tables in schema.ts (every table has `tenant_id`, a primary key starting with it,
//      times as epoch-ms numbers, JSON as text, booleans as 0/1) and add them to `Database`;
//   2. append a migration to migrations/index.ts, written with the schema builder only, with a
//      foreign key `tenant_id -> tenants.tenant_id on delete cascade`;
//   3. give the domain `storage.scope(tenantId)` — never the Kysely instance. Cross-tenant reads
//      belong in unscoped.ts, which only the engine's own administration may use.
export { Storage, type StorageOptions } from './storage.js';
export type { DatabaseConfig, DialectName } from './dialect.js';
export { TenantScope } from './scope.js';
export type { UnscopedAccess } from './unscoped.js';
export type {
  AiCallsTable,
  ApiKeysTable,
  ApprovalsTable,
  AuditChainsTable,
  AuditEntriesTable,
  BillingCountersTable,
  BillingEventsTable,
  BillingRatesTable,
  BillingReservationsTable,
  BillingSubscriptionsTable,
  BillingUsageTable,
  Database,
  GovernancePoliciesTable,
  InvitationsTable,
  MembersTable,
  ScopedDatabase,
  ScopedTable,
  TenantsTable,
} from './schema.js';
export { bool, json } from './schema.js';
export { isForeignKeyViolation, isUniqueViolation } from './db-errors.js';
export { migrations, type AuterityMigration } from './migrations/index.js';
