// UNSCOPED ACCESS — the only queries in the engine that are not confined to one tenant.
// Nothing outside the engine's own tenant administration and API-key verification may use this
// module; domains get a TenantScope and nothing else. Keep it this small.
import type { Kysely } from 'kysely';
import type { ApiKeysTable, Database, TenantsTable } from './schema.js';

export interface UnscopedAccess {
  /** Every tenant, oldest first (tenant administration). */
  listTenants(): Promise<TenantsTable[]>;
  /** The API key with this id in whichever tenant holds it (key verification, before the tenant is known). */
  findApiKeyById(keyId: string): Promise<ApiKeysTable | undefined>;
}

export function createUnscopedAccess(db: Kysely<Database>): UnscopedAccess {
  return {
    listTenants: () => db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('tenant_id').execute(),
    findApiKeyById: (keyId) => db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst(),
  };
}
