// The enforcement point every other domain calls (executor, AI router, billing, member and policy
// changes): `authorize` answers, `assertAllowed` throws `forbidden` naming the deciding rule.
import { AuterityError } from '../../errors.js';
import {
  compilePolicySet,
  type AuthorizationRequest,
  type PolicyDecision,
  type PolicySet,
  type RuleReference,
  type TenantAttributes,
} from './policy-set.js';
import type { Policy, PolicyInput } from './schema.js';

/** Where a tenant's own policies live (SQL in the engine, memory in tests). */
export interface TenantPolicyStore {
  list(tenantId: string): Promise<Policy[]>;
  get(tenantId: string, policyId: string): Promise<Policy | undefined>;
  put(tenantId: string, policy: Policy): Promise<void>;
  remove(tenantId: string, policyId: string): Promise<boolean>;
}

/** Called for every decision that is not a plain allow, so it can be written to the audit log. */
export type DecisionListener = (tenant: TenantAttributes, request: AuthorizationRequest, decision: PolicyDecision) => Promise<void> | void;

export interface GuardOptions {
  isvPolicies?: readonly PolicyInput[];
  tenantPolicies?: TenantPolicyStore;
  onDecision?: DecisionListener;
}

export interface Guard {
  authorize(tenant: TenantAttributes, request: AuthorizationRequest): Promise<PolicyDecision>;
  /** The decision alone, not reported to `onDecision`: for probes that are not requests to act (which models may I use?). */
  evaluate(tenant: TenantAttributes, request: AuthorizationRequest): Promise<PolicyDecision>;
  /** Resolves with the decision when allowed; otherwise throws `AuterityError('forbidden')`. */
  assertAllowed(tenant: TenantAttributes, request: AuthorizationRequest): Promise<PolicyDecision>;
  /** The rules of a tenant's compiled policy set whose action patterns match `action` (cheap: lets a caller skip probes no rule can answer). */
  rulesFor(tenantId: string, action: string): Promise<readonly RuleReference[]>;
  /** Drops a tenant's compiled policies after they changed. */
  invalidate(tenantId: string): void;
}

export function forbiddenError(request: AuthorizationRequest, decision: PolicyDecision): AuterityError {
  const rule = decision.decidedBy;
  const because = rule
    ? `${rule.effect === 'require_approval' ? 'requires approval under' : 'denied by'} ${rule.layer} policy "${rule.policyId}" rule "${rule.ruleId}"`
    : 'no policy allows it';
  return new AuterityError('forbidden', `"${request.action}" on "${request.resource.id}" is not allowed: ${because}`, {
    details: { effect: decision.effect, decidedBy: rule, matched: decision.matched },
  });
}

export function createGuard(options: GuardOptions = {}): Guard {
  const isvPolicies = options.isvPolicies ?? [];
  // Validate the ISV layer at start-up, so a broken policy stops the engine rather than a request.
  const isvOnly = compilePolicySet({ isv: isvPolicies });
  const compiled = new Map<string, Promise<PolicySet>>();

  const policySetFor = (tenantId: string): Promise<PolicySet> => {
    if (!options.tenantPolicies) return Promise.resolve(isvOnly);
    let pending = compiled.get(tenantId);
    if (!pending) {
      pending = options.tenantPolicies.list(tenantId).then((tenant) => (tenant.length ? compilePolicySet({ isv: isvPolicies, tenant }) : isvOnly));
      pending.catch(() => compiled.delete(tenantId));
      compiled.set(tenantId, pending);
    }
    return pending;
  };

  const authorize = async (tenant: TenantAttributes, request: AuthorizationRequest): Promise<PolicyDecision> => {
    const decision = (await policySetFor(tenant.id)).evaluate(request, tenant);
    if (!decision.allowed && options.onDecision) await options.onDecision(tenant, request, decision);
    return decision;
  };

  return {
    authorize,
    evaluate: async (tenant, request) => (await policySetFor(tenant.id)).evaluate(request, tenant),
    rulesFor: async (tenantId, action) => (await policySetFor(tenantId)).rulesFor(action),
    async assertAllowed(tenant, request) {
      const decision = await authorize(tenant, request);
      if (!decision.allowed) throw forbiddenError(request, decision);
      return decision;
    },
    invalidate(tenantId) {
      compiled.delete(tenantId);
    },
  };
}

export function createMemoryPolicyStore(): TenantPolicyStore {
  const byTenant = new Map<string, Map<string, Policy>>();
  const tenantMap = (tenantId: string) => {
    let map = byTenant.get(tenantId);
    if (!map) byTenant.set(tenantId, (map = new Map()));
    return map;
  };
  return {
    async list(tenantId) {
      return [...tenantMap(tenantId).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async get(tenantId, policyId) {
      return tenantMap(tenantId).get(policyId);
    },
    async put(tenantId, policy) {
      tenantMap(tenantId).set(policy.id, structuredClone(policy));
    },
    async remove(tenantId, policyId) {
      return tenantMap(tenantId).delete(policyId);
    },
  };
}
