import type { Storage, TenantScope } from '../storage/index.js';
import { AuterityError } from '../errors.js';

/** What the engine hands the tenancy domain. */
export interface TenancyContext {
  storage: Storage;
  /** Resolves once the engine is usable (migrated, not closed). Await before any query. */
  ready(): Promise<void>;
  now(): number;
  /** Throws invalid_input (naming `plan` and the known plan ids) for a plan the catalog lacks. */
  validatePlan?(plan: string): void;
  /** Throws conflict when the tenant's plan is decided elsewhere (a payment provider's subscription). */
  assertPlanSettable?(scope: TenantScope, plan: string): Promise<void>;
  /** Told after a tenant's plan was set, so cached plan state is dropped at once. */
  planChanged?(tenantId: string): void;
}

export function tenantNotFound(tenantId: string): AuterityError {
  return new AuterityError('not_found', `Tenant "${tenantId}" not found.`, { details: { tenantId } });
}

/** Throws not_found unless the scope's tenant exists. */
export async function requireTenant(scope: TenantScope): Promise<void> {
  const row = await scope.selectFrom('tenants').select('tenant_id').executeTakeFirst();
  if (!row) throw tenantNotFound(scope.tenantId);
}
