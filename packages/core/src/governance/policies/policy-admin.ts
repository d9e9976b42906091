// Changing a tenant's policies is itself governed: every change is authorized by the guard
// (`policy:write` on `policy:<id>`), validated, stored, audited, and makes the guard recompile.
import { AuterityError } from '../../errors.js';
import type { Guard, TenantPolicyStore } from './guard.js';
import { parsePolicy, type TenantAttributes } from './policy-set.js';
import type { Policy } from './schema.js';

export interface GovernedActor {
  id: string;
  roles: readonly string[];
  [attribute: string]: unknown;
}

/** Records a mutation; the audit log implements it. */
export type MutationRecorder = (tenantId: string, event: { actorId: string; action: string; resource: string; data: Record<string, unknown> }) => Promise<unknown>;

export interface PolicyAdmin {
  list(tenant: TenantAttributes, actor: GovernedActor): Promise<Policy[]>;
  put(tenant: TenantAttributes, actor: GovernedActor, policy: unknown): Promise<Policy>;
  remove(tenant: TenantAttributes, actor: GovernedActor, policyId: string): Promise<void>;
}

export function createPolicyAdmin(options: { guard: Guard; store: TenantPolicyStore; record?: MutationRecorder }): PolicyAdmin {
  const { guard, store } = options;
  const authorize = (tenant: TenantAttributes, actor: GovernedActor, action: string, policyId: string, context: Record<string, unknown> = {}) =>
    guard.assertAllowed(tenant, { principal: actor, action, resource: { id: `policy:${policyId}` }, context });

  return {
    async list(tenant, actor) {
      await authorize(tenant, actor, 'policy:read', '*');
      return store.list(tenant.id);
    },
    async put(tenant, actor, input) {
      const policy = parsePolicy(input);
      const existing = await store.get(tenant.id, policy.id);
      await authorize(tenant, actor, 'policy:write', policy.id, { policy, replaces: existing ?? null });
      await store.put(tenant.id, policy);
      guard.invalidate(tenant.id);
      await options.record?.(tenant.id, { actorId: actor.id, action: existing ? 'policy.updated' : 'policy.created', resource: `policy:${policy.id}`, data: { policy } });
      return policy;
    },
    async remove(tenant, actor, policyId) {
      await authorize(tenant, actor, 'policy:write', policyId);
      if (!(await store.remove(tenant.id, policyId))) throw new AuterityError('not_found', `policy "${policyId}" not found`);
      guard.invalidate(tenant.id);
      await options.record?.(tenant.id, { actorId: actor.id, action: 'policy.deleted', resource: `policy:${policyId}`, data: {} });
    },
  };
}
