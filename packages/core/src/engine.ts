// createAuterity(options) -> engine; engine.tenant(id, actor) -> the tenant-scoped handle.
// Domains are wired here: each gets the storage scope of its tenant (never the raw database) and
// the engine's readiness check, and talks to other domains only through what is passed in.
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { AuterityError } from './errors.js';
import { createAiEngine, type AiOptions, type TenantAi } from './ai/index.js';
import type { Assistant, BreakerSnapshot, BreakerTransition, CacheStats, ModelEntry, RouteStrategy } from './ai/index.js';
import { aiChatAction } from './workflows/actions/ai-chat.js';
import { resolveOptions, type AuterityOptions, type Logger } from './config/index.js';
import { Storage, type DialectName } from './storage/index.js';
import { alreadyAccepted, createGovernanceEngine, type GovernanceOptions, type Invitation, type TenantGovernance } from './governance/engine-surface.js';
import { SYSTEM_PRINCIPAL, governApiKeys, governMembers, type GovernedPrincipal } from './governance/enforcement.js';
import type { WorkflowGuard } from './workflows/scheduler/guard.js';
import { APPROVAL_DECIDED_EVENT, approvalDecision, approvalRequestAction } from './workflows/actions/approval-request.js';
import { createBillingEngine, type BillingOptions, type EngineBilling, type TenantBilling } from './billing/engine-surface.js';
import { parseInput } from './shared/validation.js';
import { createWorkflowRuntime, type TenantEvents, type TenantWorkflows, type WorkflowRuntime, type WorkflowsOptions } from './workflows/runtime.js';
import { SqlWorkflowStore } from './workflows/store/sql.js';
import { assertWorkflowsOptions } from './workflows/options.js';
import { tenantIdSchema } from './shared/validation.js';
import {
  actorSchema,
  createApiKey,
  createMembersApi,
  createTenantApiKeysApi,
  createTenantsApi,
  invitationAcceptorSchema,
  verifyApiKey,
  type Actor,
  type CreateApiKeyInput,
  type CreatedApiKey,
  type InvitationAcceptor,
  type Member,
  type MembersApi,
  type TenancyContext,
  type TenantApiKeysApi,
  type TenantsApi,
  type VerifiedApiKey,
} from './tenancy/index.js';

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the schema was current. */
  applied: string[];
}

export interface EngineApiKeysApi {
  /** Creates a key for a tenant (`not_found` if it does not exist). The returned `key` is shown only here. */
  create(tenantId: string, input?: CreateApiKeyInput): Promise<CreatedApiKey>;
  /** The tenant and scopes of a valid key; null if it is malformed, unknown, tampered with or revoked. */
  verify(key: string): Promise<VerifiedApiKey | null>;
}

/** Everything one tenant's actor can do. Every operation is confined to `tenantId`. */
export interface TenantHandle {
  readonly tenantId: string;
  readonly actor: Actor;
  readonly members: MembersApi;
  readonly apiKeys: TenantApiKeysApi;
  /** Authorization, tenant policies, audit log, approvals and invitations, acting as `actor`. */
  readonly governance: TenantGovernance;
  /** Entitlements: check, consume, reserve/commit, rate limits and the usage ledger. */
  readonly billing: TenantBilling;
  /** Workflow definitions, runs and their controls. */
  readonly workflows: TenantWorkflows;
  /** Emits events: event triggers and `event.wait` steps. */
  readonly events: TenantEvents;
  /** Routed chat completions under the tenant's budgets and policies; usage, outcomes and experiments. */
  readonly ai: TenantAi;
}

/** The engine's side of AI routing: the catalog, routes, assistants and the health of providers. */
export interface EngineAi {
  models(): readonly ModelEntry[];
  routes(): readonly { id: string; strategy: RouteStrategy; models: readonly string[] }[];
  readonly assistants: ReadonlyMap<string, Assistant>;
  readonly defaultRoute: string;
  /** Circuit breakers per provider and model (this process). */
  breakers(): BreakerSnapshot[];
  /** Every breaker transition; returns the unsubscribe function. */
  onBreaker(listener: (transition: BreakerTransition) => void): () => void;
  /** Response cache hits and misses since start (this process). */
  cacheStats(): CacheStats;
}

const apiKeyIdSchema = z.string().min(1).max(200);

/** Options of a tenant handle. */
export interface TenantHandleOptions {
  /** The API key acting (per-key budgets and rate limits count against it). */
  apiKeyId?: string;
}

/** The engine's side of the workflow executor: background loops and webhook entry. */
export type EngineWorkflows = Pick<WorkflowRuntime, 'start' | 'stop' | 'tick' | 'idle' | 'webhook'>;

export interface Auterity {
  /** Which database the engine runs on. */
  readonly dialect: DialectName;
  /** Tenant administration (the ISV's side, not a tenant's). */
  readonly tenants: TenantsApi;
  readonly apiKeys: EngineApiKeysApi;
  /** The plan catalog, the quota backend in use and the executor's billing guard. */
  readonly billing: EngineBilling;
  /** The workflow executor: `start()` its loops in every process that should run workflows. */
  readonly workflows: EngineWorkflows;
  /** AI routing: catalog, routes, assistants, breakers and cache statistics. */
  readonly ai: EngineAi;
  /**
   * Accepts an invitation token (which names its tenant) for the host's signed-in user, who joins
   * that tenant as a member with the invited roles (taking a seat). The member is added before the
   * invitation is consumed: when the join fails (`conflict` for a member id or email already there,
   * the plan's seat limit) the token stays usable, and a retry after a crash completes the join.
   */
  acceptInvitation(token: string, acceptor: InvitationAcceptor): Promise<{ invitation: Invitation; member: Member }>;
  /** Applies pending migrations. Idempotent; safe when several engines migrate one database at once. */
  migrate(): Promise<MigrateResult>;
  /** A handle confined to one tenant, acting as `actor`. Synchronous; the tenant is checked on use. */
  tenant(tenantId: string, actor: Actor, options?: TenantHandleOptions): TenantHandle;
  /** Closes the database connections. The engine is unusable afterwards. */
  close(): Promise<void>;
}

/** Engine options: storage and runtime (`AuterityOptions`) plus the ISV's governance layer. */
export interface CreateAuterityOptions extends AuterityOptions {
  governance?: GovernanceOptions;
  /** Plan catalog, quota backend and clock. Default: the Free/Pro/Business/Enterprise catalog on SQL. */
  billing?: BillingOptions;
  /** The ISV's actions, guards, sandbox and HTTP limits, and executor tuning. */
  workflows?: WorkflowsOptions;
  /** Providers, model catalog, routes, retries, breakers, cache, budgets, redaction and assistants. Default: the offline model (plus OpenAI's models when OPENAI_API_KEY is set). */
  ai?: AiOptions;
}

/**
 * How often the workflow loop applies a tenant's due approval timers and looks for undelivered
 * decisions, and how old those must be.
 */
const APPROVAL_UPKEEP_INTERVAL_MS = 2_000;

const sameRoles = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((role) => right.has(role));
};

/**
 * Makes `who` the member `invitation` invites, through `members`; `undo` removes a member it added.
 * A member already there with the invitation's email and roles is this invitation's (left by an
 * accept that stopped before consuming the token, or added by the same person's concurrent one):
 * it stands. Any other member with that id is a conflict.
 */
/** The member `id`, or undefined when there is none. */
const findMember = (members: MembersApi, id: string): Promise<Member | undefined> =>
  members.get(id).catch((error: unknown) => {
    if (error instanceof AuterityError && error.code === 'not_found') return undefined;
    throw error;
  });

async function joinInvitee(members: MembersApi, who: InvitationAcceptor, invitation: Invitation): Promise<{ member: Member; undo?: () => Promise<void> }> {
  const find = () => findMember(members, who.id);
  let existing = await find();
  if (!existing) {
    try {
      const added = await members.add({ id: who.id, email: invitation.email, roles: invitation.roles, ...(who.name !== undefined && { name: who.name }) });
      return { member: added, undo: () => members.remove(added.id) };
    } catch (error) {
      existing = error instanceof AuterityError && error.code === 'conflict' ? await find() : undefined;
      if (!existing) throw error;
    }
  }
  if (existing.email === invitation.email && sameRoles(existing.roles, invitation.roles)) return { member: existing };
  throw new AuterityError('conflict', `Member "${who.id}" already exists.`, { details: { memberId: who.id } });
}

/** Adding a member takes a seat: the plan's `seats` limit is checked first. */
function withSeatLimit(members: MembersApi, assertSeatFree: () => Promise<void>): MembersApi {
  return {
    ...members,
    async add(input) {
      await assertSeatFree();
      return members.add(input);
    },
  };
}

/**
 * Creates an engine. Synchronous and free of I/O: the database is opened (and, unless
 * `migrate: false`, migrated) by the first operation. Throws AuterityError('invalid_options') naming
 * every bad option.
 */
export function createAuterity(options: CreateAuterityOptions = {}): Auterity {
  // `governance` is validated by the governance domain; everything else by resolveOptions, which
  // also reports options that are not an object at all.
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { governance: governanceOptions, billing: billingOptions, workflows: workflowsOptions, ai: aiOptions, ...engineOptions } = isObject
    ? options
    : { governance: undefined, billing: undefined, workflows: undefined, ai: undefined };
  const resolved = resolveOptions(isObject ? engineOptions : options);
  assertWorkflowsOptions(workflowsOptions);
  const logger: Logger = resolved.logger;
  const storage = new Storage({ database: resolved.database, logger });

  let closed = false;
  let migrated = false;
  let pending: Promise<string[]> | undefined;

  const assertOpen = () => {
    if (closed) throw new AuterityError('unavailable', 'The Auterity engine is closed.');
  };

  const runMigrations = (): Promise<string[]> => {
    const run = (async () => {
      const applied = await storage.migrate();
      for (const name of applied) logger.info(`auterity: applied migration ${name}`, { migration: name });
      migrated = true;
      return applied;
    })();
    pending = run;
    void run.then(
      () => (pending === run ? (pending = undefined) : undefined),
      () => (pending === run ? (pending = undefined) : undefined),
    );
    return run;
  };

  const ctx: TenancyContext = {
    storage,
    now: () => Date.now(),
    validatePlan: (plan) => billing.validatePlan(plan),
    assertPlanSettable: (scope, plan) => billing.assertPlanSettable(scope, plan),
    planChanged: (tenantId) => billing.invalidate(tenantId),
    async ready() {
      assertOpen();
      if (!resolved.migrate || migrated) return;
      await (pending ?? runMigrations());
    },
  };

  const tenants = createTenantsApi(ctx);
  const billing = createBillingEngine(billingOptions, {
    scopeFor: (tenantId) => storage.scope(tenantId),
    ready: ctx.ready,
    redisUrl: resolved.redis,
    now: ctx.now,
    tenantIds: async () => (await storage.unscoped.listTenants()).map((tenant) => tenant.tenant_id),
    env: process.env,
  });
  const governance = createGovernanceEngine(governanceOptions, { scopeFor: (tenantId) => storage.scope(tenantId), secret: resolved.secret, now: ctx.now });
  // Who is starting a run right now: set around a tenant handle's `workflows.start` so the governance
  // guard can check that actor. Runs started any other way (webhook, cron, event, sub-workflow) act as
  // SYSTEM_PRINCIPAL.
  const startingActor = new AsyncLocalStorage<GovernedPrincipal>();
  // The executor asks before every step attempt: one governed handle per tenant and principal is
  // kept for a second, so the tenant's attributes are read once a second rather than once a step.
  const governedHandles = new Map<string, { handle: TenantGovernance; at: number }>();
  const governedHandle = (tenantId: string, principal: GovernedPrincipal): TenantGovernance => {
    const key = `${tenantId}\u0000${principal.id}\u0000${principal.roles.join(',')}`;
    const now = Date.now();
    let entry = governedHandles.get(key);
    if (!entry || now - entry.at > 1_000) {
      entry = { handle: governance.forTenant(storage.scope(tenantId), principal, ctx.ready), at: now };
      governedHandles.delete(key);
      governedHandles.set(key, entry);
      if (governedHandles.size > 10_000) governedHandles.delete(governedHandles.keys().next().value as string);
    }
    return entry.handle;
  };
  const governedAssert = (tenantId: string, principal: GovernedPrincipal, action: string, resource: string) =>
    governedHandle(tenantId, principal).assertAllowed({ principal: { id: principal.id, roles: [...principal.roles] }, action, resource: { id: resource } });
  // AI routing: its policy probes (which models may this principal use?) are checked without an
  // audit entry each; the pipeline audits its own calls and refusals.
  const ai = createAiEngine(aiOptions, {
    billingFor: (tenantId) => billing.forTenant(storage.scope(tenantId), ctx.ready),
    billingCatalog: billing.catalog,
    authorize: (tenantId, principal, action, resource, context) =>
      governedHandle(tenantId, { id: principal.id, roles: [...principal.roles] }).check({ principal: { id: principal.id, roles: [...principal.roles] }, action, resource, ...(context && { context }) }),
    policyRules: (tenantId, action) => governance.guard.rulesFor(tenantId, action),
    audit: (tenantId, entry) => governance.audit.append(tenantId, entry),
    auditMany: (tenantId, entries) => governance.audit.appendMany(tenantId, entries),
    scopeFor: (tenantId) => storage.scope(tenantId),
    redisUrl: resolved.redis,
    now: ctx.now,
    logger,
    env: { OPENAI_API_KEY: process.env.OPENAI_API_KEY },
  });
  const aiChat = aiChatAction({ chat: (tenantId, request, chatOptions) => ai.forTenant(tenantId, SYSTEM_PRINCIPAL).chat(request, chatOptions) }, ai.defaultRoute);
  // `approval.request` names the run's persisted starter (`startedBy`) as the requester, who then
  // cannot approve it; runs no actor started ask as the system principal.
  const approvalRequest = approvalRequestAction({
    create: (tenantId, request) => governance.approvals.create(tenantId, request),
    findByStep: (tenantId, stepKey, requesterId) => governance.approvals.findByKey(tenantId, stepKey, requesterId),
    systemRequesterId: SYSTEM_PRINCIPAL.id,
  });
  // Approvals' upkeep, on the workflow loop's passes over each tenant (every few seconds per
  // tenant): expiries and escalations that fell due are applied, as `processDue` does, and a
  // decision whose wake-up did not go out (the deciding process stopped first, or emitting the event
  // failed) is sent again once it is a few seconds old, so the deciding process normally delivers it
  // itself. A second delivery is harmless: the waiting step resumes once.
  const lastUpkeep = new Map<string, number>();
  async function approvalUpkeep(tenantId: string): Promise<void> {
    const at = ctx.now();
    if (at - (lastUpkeep.get(tenantId) ?? 0) < APPROVAL_UPKEEP_INTERVAL_MS) return;
    lastUpkeep.set(tenantId, at);
    await governance.approvals.processDue(tenantId);
    const redelivered = await governance.approvals.redeliver(tenantId, { graceMs: APPROVAL_UPKEEP_INTERVAL_MS });
    if (redelivered.length > 0) logger.warn('auterity: delivered approval decisions again', { tenantId, approvalIds: redelivered.map((approval) => approval.id) });
  }
  // Governance: `workflow:run` on `workflow:<id>` for whoever starts the run, and `action:<name>` for
  // every step attempt (as the system principal, so tenant and ISV policies can deny an action).
  const governanceGuard: WorkflowGuard = {
    beforeRun: async (run) => {
      const principal = (run.trigger === 'manual' ? startingActor.getStore() : undefined) ?? SYSTEM_PRINCIPAL;
      await governedAssert(run.tenantId, principal, 'workflow:run', `workflow:${run.workflowId}`);
    },
    beforeStep: async (step) => {
      await governedAssert(step.tenantId, SYSTEM_PRINCIPAL, `action:${step.action}`, `workflow:${step.workflowId}`);
    },
  };
  // Billing's guard comes first: a run over the tenant's executions quota is refused before the
  // policies and the ISV's own guards are asked.
  const workflows = createWorkflowRuntime({ ...workflowsOptions, actions: [approvalRequest, aiChat, ...(workflowsOptions?.actions ?? [])], guards: [{ beforeCreate: (created) => billing.assertWithinLimit(created.tenantId, 'workflows'), beforeRun: (run) => billing.beforeRun(run) }, governanceGuard, ...(workflowsOptions?.guards ?? [])] }, {
    store: new SqlWorkflowStore({
      scope: (tenantId) => storage.scope(tenantId),
      listTenantIds: async () => (await storage.unscoped.listTenants()).map((tenant) => tenant.tenant_id),
    }),
    logger,
    ready: ctx.ready,
    tenantPass: approvalUpkeep,
  });
  // A final decision wakes the `approval.request` step waiting on it, on whichever engine holds its run.
  governance.approvals.onDecided(async (approval) => {
    if (approval.status !== 'pending') await workflows.emitEngineEvent(approval.tenantId, APPROVAL_DECIDED_EVENT, approvalDecision({ ...approval, status: approval.status }));
  });

  return {
    dialect: storage.dialect,
    tenants,
    workflows: Object.freeze({ start: workflows.start, stop: workflows.stop, tick: workflows.tick, idle: workflows.idle, webhook: workflows.webhook }),
    billing: Object.freeze({ catalog: billing.catalog, backend: billing.backend, beforeRun: billing.beforeRun, provider: billing.provider }),
    ai: Object.freeze({
      models: () => ai.router.models(),
      routes: () => ai.router.routes(),
      assistants: ai.assistants,
      defaultRoute: ai.defaultRoute,
      breakers: () => ai.router.breakers(),
      onBreaker: (listener: (transition: BreakerTransition) => void) => ai.router.onBreaker(listener),
      cacheStats: () => ai.cacheStats(),
    }),
    async acceptInvitation(token, acceptor) {
      const who = parseInput(invitationAcceptorSchema, acceptor, 'invitation acceptor', 'acceptor');
      await ctx.ready();
      let member: Member | undefined;
      const invitation = await governance.acceptInvitation(token, who.id, async (open) => {
        // The invitation is the authority for this one change (whoever created it held
        // `member:invite`), so the member is added as the invitation, audited as such.
        const members = governMembers(withSeatLimit(createMembersApi(ctx, storage.scope(open.tenantId)), () => billing.assertWithinLimit(open.tenantId, 'seats')), {
          tenantId: open.tenantId,
          actor: { id: `invitation:${open.id}`, roles: [] },
          assertAllowed: async () => undefined,
          audit: governance.audit,
        });
        const joined = await joinInvitee(members, who, open);
        member = joined.member;
        return joined.undo;
      });
      // No join ran: this person had accepted it already, and the answer is the membership they got.
      // One removed since is not added back; the invitation stays consumed.
      member ??= await findMember(createMembersApi(ctx, storage.scope(invitation.tenantId)), who.id);
      if (!member) throw alreadyAccepted();
      return { invitation, member };
    },
    apiKeys: {
      async create(tenantId, input) {
        const id = parseInput(tenantIdSchema, tenantId, 'tenant id', 'tenantId');
        return createApiKey(ctx, storage.scope(id), input, null);
      },
      verify: (key) => verifyApiKey(ctx, key),
    },

    async migrate() {
      assertOpen();
      if (pending) await pending.catch(() => undefined);
      return { applied: await runMigrations() };
    },

    tenant(tenantId, actor, handleOptions) {
      const id = parseInput(tenantIdSchema, tenantId, 'tenant id', 'tenantId');
      const who = parseInput(actorSchema, actor, 'actor', 'actor');
      const apiKeyId = handleOptions?.apiKeyId === undefined ? undefined : parseInput(apiKeyIdSchema, handleOptions.apiKeyId, 'API key id', 'apiKeyId');
      const scope = storage.scope(id);
      const principal: GovernedPrincipal = { id: who.id, roles: [...who.roles] };
      // Each domain's surface is built on first use: a request usually touches one or two of them.
      let tenantGovernance: TenantGovernance | undefined;
      const governanceOf = () => (tenantGovernance ??= governance.forTenant(scope, who, ctx.ready));
      const governed = {
        tenantId: id,
        actor: principal,
        audit: governance.audit,
        assertAllowed: (asking: GovernedPrincipal, action: string, resource: string) =>
          governanceOf().assertAllowed({ principal: { id: asking.id, roles: [...asking.roles] }, action, resource: { id: resource } }),
      };
      const surfaces = {
        members: () => governMembers(withSeatLimit(createMembersApi(ctx, scope), () => billing.assertWithinLimit(id, 'seats')), governed),
        apiKeys: () => governApiKeys(createTenantApiKeysApi(ctx, scope, who.id), governed),
        governance: governanceOf,
        billing: () => billing.forTenant(scope, ctx.ready),
        workflows: () => {
          const tenantWorkflows = workflows.tenant(id, who.id);
          return Object.freeze({ ...tenantWorkflows, start: (workflowId: string, startOptions?: Parameters<TenantWorkflows['start']>[1]) => startingActor.run(principal, () => tenantWorkflows.start(workflowId, startOptions)) });
        },
        events: () => workflows.events(id),
        ai: () => ai.forTenant(id, principal, apiKeyId !== undefined ? { apiKeyId } : {}),
      } satisfies Record<string, () => unknown>;
      const built = new Map<string, unknown>();
      const handle = { tenantId: id, actor: Object.freeze({ id: who.id, roles: Object.freeze([...who.roles]) as string[] }) } as Record<string, unknown>;
      for (const [name, build] of Object.entries(surfaces)) {
        Object.defineProperty(handle, name, {
          enumerable: true,
          get: () => {
            if (!built.has(name)) built.set(name, build());
            return built.get(name);
          },
        });
      }
      return Object.freeze(handle) as unknown as TenantHandle;
    },

    async close() {
      if (closed) return;
      closed = true;
      await pending?.catch(() => undefined);
      await workflows.close();
      await ai.close();
      await billing.close();
      await storage.destroy();
    },
  };
}
