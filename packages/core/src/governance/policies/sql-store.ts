// Tenant policies in SQL, one row per policy document.
import { json } from '../../storage/index.js';
import type { ScopeProvider } from '../scope-provider.js';
import type { TenantPolicyStore } from './guard.js';
import type { Policy } from './schema.js';

export function createSqlPolicyStore(scopeFor: ScopeProvider, now: () => number = Date.now): TenantPolicyStore {
  return {
    async list(tenantId) {
      const rows = await scopeFor(tenantId).selectFrom('governance_policies').select('document').orderBy('id').execute();
      return rows.map((row) => json.parse<Policy>(row.document));
    },
    async get(tenantId, policyId) {
      const row = await scopeFor(tenantId).selectFrom('governance_policies').select('document').where('id', '=', policyId).executeTakeFirst();
      return row ? json.parse<Policy>(row.document) : undefined;
    },
    async put(tenantId, policy) {
      const at = now();
      await scopeFor(tenantId).transaction(async (tx) => {
        const updated = await tx.updateTable('governance_policies').set({ document: json.stringify(policy), updated_at: at }).where('id', '=', policy.id).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) {
          await tx.insertInto('governance_policies').values({ id: policy.id, document: json.stringify(policy), created_at: at, updated_at: at }).execute();
        }
      });
    },
    async remove(tenantId, policyId) {
      const result = await scopeFor(tenantId).deleteFrom('governance_policies').where('id', '=', policyId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
