// SQL stores reach a tenant's rows only through its scope (the tenant-scoped data-access layer).
import { AuterityError } from '../errors.js';
import type { TenantScope } from '../storage/index.js';

/** Gives the scope of a tenant; a store bound to one tenant refuses any other. */
export type ScopeProvider = (tenantId: string) => TenantScope;

export function singleTenant(scope: TenantScope): ScopeProvider {
  return (tenantId) => {
    if (tenantId !== scope.tenantId) throw new AuterityError('not_found', `Tenant "${tenantId}" not found.`);
    return scope;
  };
}
