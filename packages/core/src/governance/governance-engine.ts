// Wires governance for the engine: the ISV layer (built-in roles + the ISV's policies and approval
// chains, from engine options) is compiled once; each tenant handle gets a small surface over SQL
// stores that reach the tenant's rows through its scope only.
import { z } from 'zod';
import { AuterityError } from '../errors.js';
import type { TenantScope } from '../storage/index.js';
import { parseWith } from './validation.js';
import { createApprovals, type ApprovalChainInput, type Approvals } from './approvals/index.js';
import { createSqlApprovalStore } from './approvals/sql-store.js';
import { createAuditLog, type AuditLog, type Retention } from './audit/index.js';
import { createSqlAuditStore } from './audit/sql-store.js';
import { compilePolicySet, createGuard, createPolicyAdmin, type AuthorizationRequest, type Guard, type PolicyDecision, type PolicyInput } from './policies/index.js';
import { createSqlPolicyStore } from './policies/sql-store.js';
import type { Policy } from './policies/schema.js';
import { builtInRolesPolicy, createInvitations, type Invitation, type InvitationJoin, type InvitationRequest, type Invitations } from './roles/index.js';
import { createSqlInvitationStore } from './roles/sql-invitation-store.js';
import { singleTenant, type ScopeProvider } from './scope-provider.js';
import { systemPrincipalPolicy } from './enforcement.js';

export const governanceOptionsSchema = z.strictObject({
  /** ISV-level policies: they apply to every tenant, and no tenant policy can override their denies. */
  policies: z.array(z.unknown()).default([]),
  /** Grant the built-in roles (admin, editor, viewer, guest) their permissions. Default true. */
  builtInRoles: z.boolean().default(true),
  approvalChains: z.array(z.unknown()).default([]),
});

export interface GovernanceOptions {
  policies?: PolicyInput[];
  builtInRoles?: boolean;
  approvalChains?: ApprovalChainInput[];
}

export interface GovernanceActor {
  id: string;
  roles: readonly string[];
}

/** A decision request made on behalf of the handle's actor unless another principal is given. */
export type TenantAuthorizationRequest = Omit<AuthorizationRequest, 'principal'> & { principal?: AuthorizationRequest['principal'] };

export interface TenantGovernance {
  authorize(request: TenantAuthorizationRequest): Promise<PolicyDecision>;
  /** The decision without recording a deny in the audit log: for probes such as which models or buttons to offer. */
  check(request: TenantAuthorizationRequest): Promise<PolicyDecision>;
  assertAllowed(request: TenantAuthorizationRequest): Promise<PolicyDecision>;
  policies: {
    list(): Promise<Policy[]>;
    put(policy: PolicyInput): Promise<Policy>;
    remove(policyId: string): Promise<void>;
  };
  audit: {
    list(options?: { afterSeq?: number; limit?: number }): ReturnType<AuditLog['list']>;
    verify(): ReturnType<AuditLog['verify']>;
    export(format: 'jsonl' | 'csv'): AsyncGenerator<string>;
    prune(retention: Retention): ReturnType<AuditLog['prune']>;
  };
  approvals: {
    create(request: { chain: string; subject?: Record<string, unknown> }): ReturnType<Approvals['create']>;
    approve(id: string, comment?: string): ReturnType<Approvals['approve']>;
    reject(id: string, comment?: string): ReturnType<Approvals['reject']>;
    get(id: string): ReturnType<Approvals['get']>;
    list(options?: { status?: 'pending' | 'approved' | 'rejected' | 'expired' }): ReturnType<Approvals['list']>;
    processDue(): ReturnType<Approvals['processDue']>;
  };
  invitations: {
    create(request: Omit<InvitationRequest, 'invitedBy'>): Promise<{ invitation: Invitation; token: string }>;
    list(): Promise<Invitation[]>;
    revoke(id: string): Promise<boolean>;
  };
}

export interface GovernanceEngine {
  guard: Guard;
  /** The tenant audit chains (engine-internal: other domains record their governed changes here). */
  audit: AuditLog;
  approvals: Approvals;
  /**
   * Verifies an invitation token (the token names its tenant), runs `join`, then consumes the
   * invitation and records it in the audit log.
   */
  acceptInvitation(token: string, acceptedBy: string, join: InvitationJoin): Promise<Invitation>;
  forTenant(scope: TenantScope, actor: GovernanceActor, ready: () => Promise<void>): TenantGovernance;
}

/** Start-up errors in the ISV's governance configuration are option errors, named under `governance`. */
function asOptionError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof AuterityError && error.code === 'invalid_input') {
      throw new AuterityError('invalid_options', `governance: ${error.message}`, {
        issues: error.issues.map((issue) => ({ path: `governance.${issue.path}`, message: issue.message })),
        cause: error,
      });
    }
    throw error;
  }
}

export function createGovernanceEngine(input: GovernanceOptions | undefined, deps: { scopeFor: ScopeProvider; secret: string | undefined; now: () => number }): GovernanceEngine {
  return asOptionError(() => buildGovernanceEngine(input, deps));
}

function buildGovernanceEngine(input: GovernanceOptions | undefined, deps: { scopeFor: ScopeProvider; secret: string | undefined; now: () => number }): GovernanceEngine {
  const options = parseWith(governanceOptionsSchema, input ?? {}, 'governance options');
  const audit = createAuditLog({ store: createSqlAuditStore(deps.scopeFor), now: () => new Date(deps.now()) });
  const policyStore = createSqlPolicyStore(deps.scopeFor, deps.now);
  // Validated on their own first, so errors are numbered as the ISV wrote them.
  compilePolicySet({ isv: options.policies as PolicyInput[] });
  // The system principal (trigger-started runs) is always granted its narrow permissions; ISV
  // policies (and tenant policies) can still deny them.
  const isvPolicies = [systemPrincipalPolicy(), ...(options.builtInRoles ? [builtInRolesPolicy()] : []), ...(options.policies as PolicyInput[])];
  const guard = createGuard({
    isvPolicies,
    tenantPolicies: policyStore,
    // Every deny and require_approval decision goes on the tenant's audit chain.
    onDecision: async (tenant, request, decision) => {
      await audit.append(tenant.id, {
        actorId: request.principal.id,
        action: `authorization.${decision.effect}`,
        resource: request.resource.id,
        data: { action: request.action, decidedBy: decision.decidedBy, matched: decision.matched.length },
      });
    },
  });
  const approvals = createApprovals({
    chains: options.approvalChains as ApprovalChainInput[],
    store: createSqlApprovalStore(deps.scopeFor),
    now: deps.now,
    onChange: async (tenantId, change) => {
      await audit.append(tenantId, { actorId: change.actorId, action: change.event, resource: `approval:${change.approval.id}`, data: { status: change.approval.status, level: change.approval.level } });
    },
  });
  // Invitation tokens are signed with the engine secret, so they need one; asked for only when used.
  const invitationsFor = (scopeFor: ScopeProvider): Invitations => {
    if (!deps.secret) throw new AuterityError('invalid_options', 'secret: invitations need the engine secret (option `secret` or AUTERITY_SECRET)');
    return createInvitations({ secret: deps.secret, store: createSqlInvitationStore(scopeFor), now: deps.now });
  };
  const policyAdmin = createPolicyAdmin({ guard, store: policyStore, record: (tenantId, event) => audit.append(tenantId, event) });

  return {
    guard,
    audit,
    approvals,
    async acceptInvitation(token, acceptedBy, join) {
      const { invitation, consumed } = await invitationsFor(deps.scopeFor).accept(token, acceptedBy, join);
      // A repeat by the same acceptor changes nothing, so only the accept that consumed it is audited.
      if (consumed) await audit.append(invitation.tenantId, { actorId: acceptedBy, action: 'invitation.accepted', resource: `invitation:${invitation.id}`, data: { email: invitation.email, roles: invitation.roles } });
      return invitation;
    },
    forTenant(scope, actor, ready) {
      const tenantId = scope.tenantId;
      const principal = { id: actor.id, roles: [...actor.roles] };
      let tenantAttributes: Promise<{ id: string; plan: string }> | undefined;
      const tenant = () => {
        tenantAttributes ??= (async () => {
          await ready();
          const row = await scope.selectFrom('tenants').select(['tenant_id', 'plan']).executeTakeFirst();
          if (!row) throw new AuterityError('not_found', `Tenant "${tenantId}" not found.`, { details: { tenantId } });
          return { id: tenantId, plan: row.plan };
        })();
        // A failed lookup (tenant missing, database down) is not remembered.
        tenantAttributes.catch(() => (tenantAttributes = undefined));
        return tenantAttributes;
      };
      const approver = (comment: string | undefined) => ({ actorId: actor.id, roles: principal.roles, ...(comment ? { comment } : {}) });
      const withPrincipal = (request: TenantAuthorizationRequest): AuthorizationRequest => ({ ...request, principal: request.principal ?? principal });
      let invitationsApi: Invitations | undefined;
      const invitations = (): Invitations => {
        invitationsApi ??= invitationsFor(singleTenant(scope));
        return invitationsApi;
      };
      const governed = async (action: string, resource: string) => guard.assertAllowed(await tenant(), { principal, action, resource: { id: resource } });

      return {
        authorize: async (request) => guard.authorize(await tenant(), withPrincipal(request)),
        check: async (request) => guard.evaluate(await tenant(), withPrincipal(request)),
        assertAllowed: async (request) => guard.assertAllowed(await tenant(), withPrincipal(request)),
        policies: {
          list: async () => policyAdmin.list(await tenant(), principal),
          put: async (policy) => policyAdmin.put(await tenant(), principal, policy),
          remove: async (policyId) => policyAdmin.remove(await tenant(), principal, policyId),
        },
        audit: {
          async list(listOptions) {
            await governed('audit:read', 'audit');
            return audit.list(tenantId, listOptions);
          },
          async verify() {
            await governed('audit:read', 'audit');
            return audit.verify(tenantId);
          },
          async *export(format) {
            await governed('audit:export', 'audit');
            yield* audit.export(tenantId, format);
          },
          async prune(retention) {
            await governed('audit:manage', 'audit');
            const result = await audit.prune(tenantId, retention);
            await audit.append(tenantId, { actorId: actor.id, action: 'audit.pruned', resource: 'audit', data: { ...result } });
            return result;
          },
        },
        approvals: {
          async create(request) {
            await tenant();
            return approvals.create(tenantId, { chain: request.chain, requesterId: actor.id, subject: request.subject ?? {} });
          },
          async approve(id, comment) {
            await tenant();
            return approvals.approve(tenantId, id, approver(comment));
          },
          async reject(id, comment) {
            await tenant();
            return approvals.reject(tenantId, id, approver(comment));
          },
          async get(id) {
            await tenant();
            return approvals.get(tenantId, id);
          },
          async list(listOptions) {
            await tenant();
            return approvals.list(tenantId, listOptions);
          },
          async processDue() {
            await tenant();
            return approvals.processDue(tenantId);
          },
        },
        invitations: {
          async create(request) {
            await governed('member:invite', 'member');
            const created = await invitations().create(tenantId, { ...request, invitedBy: actor.id });
            await audit.append(tenantId, { actorId: actor.id, action: 'invitation.created', resource: `invitation:${created.invitation.id}`, data: { email: created.invitation.email, roles: created.invitation.roles } });
            return created;
          },
          async list() {
            await governed('member:read', 'member');
            return invitations().list(tenantId);
          },
          async revoke(id) {
            await governed('member:invite', 'member');
            const revoked = await invitations().revoke(tenantId, id);
            if (revoked) await audit.append(tenantId, { actorId: actor.id, action: 'invitation.revoked', resource: `invitation:${id}`, data: {} });
            return revoked;
          },
        },
      };
    },
  };
}
