// Wires billing for the engine: the catalog, the quota backend (SQL by default, Redis when the
// engine has a Redis URL, memory on request) and each tenant's entitlements. The executor's guard
// (`beforeRun`) consumes `executions` here; the tenancy code asks `validatePlan` on create/update.
import { z } from 'zod';
import { AuterityError } from '../errors.js';
import { optionsError } from '../shared/validation.js';
import type { TenantScope } from '../storage/index.js';
import { createMemoryBackend, createRedisBackend, createSqlBackend, type QuotaBackend } from './backends/index.js';
import { autoPlans, isCatalog, type Catalog } from './catalog/index.js';
import { createTenantEntitlements, type EntitlementsDeps, type PlanState, type TenantEntitlements } from './entitlements/index.js';
import { loadPlanState } from './subscriptions/plan-state.js';
import { createSubscriptions, type SubscriptionsApi } from './subscriptions/subscriptions.js';
import { createLocalProvider, createStripeProvider, type BillingProvider } from './providers/index.js';

/** Counts the rows a limit feature is measured by (e.g. seats = members). */
export type RowCounter = (scope: TenantScope) => Promise<number>;

export interface BillingOptions {
  /** The plan catalog (from definePlans). Default: the Free/Pro/Business/Enterprise preset. */
  catalog?: Catalog;
  /** Where usage counters live. Default: "redis" when the engine has a Redis URL, else "sql". */
  backend?: 'sql' | 'redis' | 'memory';
  /** Prefix of Redis keys. Default "auterity:". */
  redisPrefix?: string;
  /** Limit features counted from rows, by feature id. Default: `seats` counts members. */
  counters?: Record<string, RowCounter>;
  /** The clock (epoch ms). Default Date.now; inject one in tests. */
  now?: () => number;
  /** Payment provider. Default: "stripe" when a Stripe secret key is configured, else "local". */
  provider?: 'local' | 'stripe';
  /** Stripe settings; `secretKey` and `webhookSecret` default to STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET. */
  stripe?: { secretKey?: string; webhookSecret?: string; host?: string; port?: number; protocol?: 'http' | 'https'; prefix?: string };
}

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { error: `expected ${what}` });

export const billingOptionsSchema = z.strictObject({
  catalog: z.custom<Catalog>(isCatalog, { error: 'expected a catalog returned by definePlans()' }).optional(),
  backend: z.enum(['sql', 'redis', 'memory'], { error: 'expected "sql", "redis" or "memory"' }).optional(),
  redisPrefix: z.string().min(1).max(100).optional(),
  counters: z.record(z.string(), fn('a function (scope) => Promise<number>')).optional(),
  now: fn('a function returning epoch milliseconds').optional(),
  provider: z.enum(['local', 'stripe'], { error: 'expected "local" or "stripe"' }).optional(),
  stripe: z
    .strictObject({
      secretKey: z.string().min(1, { error: 'expected a Stripe secret key' }).optional(),
      webhookSecret: z.string().min(1, { error: 'expected a webhook signing secret (whsec_…)' }).optional(),
      host: z.string().min(1).optional(),
      port: z.number().int().min(1).max(65_535).optional(),
      protocol: z.enum(['http', 'https']).optional(),
      prefix: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, { error: 'expected lowercase letters, digits and "_", starting with a letter' }).optional(),
    })
    .optional(),
});

/** The executor's guard context (see workflows). */
export interface RunGuardContext {
  tenantId: string;
  workflowId: string;
  runId: string;
}

export interface BillingEngine {
  readonly catalog: Catalog;
  readonly backend: QuotaBackend['name'];
  readonly provider: BillingProvider;
  /** Throws invalid_input naming `plan` and the known plan ids when `plan` is not in the catalog. */
  validatePlan(plan: string): void;
  /**
   * Before a tenant's plan is set directly (`tenants.update`): throws conflict when a payment
   * provider's subscription decides it, which setting it here would not move.
   */
  assertPlanSettable(scope: TenantScope, plan: string): Promise<void>;
  /** Consumes one `executions` (idempotent per run id); throws quota_exceeded naming limit and reset. */
  beforeRun(ctx: RunGuardContext): Promise<void>;
  /**
   * Before rows a limit feature counts are added (a member for `seats`, a workflow for `workflows`):
   * throws quota_exceeded naming the feature and the limit when `adding` more would exceed it.
   */
  assertWithinLimit(tenantId: string, feature: string, adding?: number): Promise<void>;
  forTenant(scope: TenantScope, ready: () => Promise<void>): TenantBilling;
  /** Forget cached plan state (after a plan change). */
  invalidate(tenantId: string): void;
  close(): Promise<void>;
}

/** A tenant's billing: entitlements (check, consume, reserve, rate limits, usage ledger) and its subscription. */
export interface TenantBilling extends TenantEntitlements {
  readonly subscription: SubscriptionsApi;
}

/** The engine-level billing surface (`engine.billing`). */
export interface EngineBilling {
  readonly catalog: Catalog;
  /** Which quota backend counts usage. */
  readonly backend: QuotaBackend['name'];
  /** The executor's guard: consumes one `executions` per run (idempotent by run id). */
  beforeRun(ctx: RunGuardContext): Promise<void>;
  /** Payments: catalog push, Checkout, portal, webhooks, usage reporting (local or Stripe). */
  readonly provider: BillingProvider;
}

export interface BillingEngineDeps {
  scopeFor(tenantId: string): TenantScope;
  ready(): Promise<void>;
  redisUrl: string | undefined;
  now(): number;
  /** Every tenant id (engine administration; usage reporting walks them through their scopes). */
  tenantIds(): Promise<string[]>;
  env: Record<string, string | undefined>;
}

const PLAN_CACHE_MS = 1_000; // plan changes elsewhere are seen within a second

export function createBillingEngine(input: BillingOptions | undefined, deps: BillingEngineDeps): BillingEngine {
  const parsed = billingOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: ['billing', ...issue.path.map(String)].join('.'), message: issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message }));
    throw optionsError(issues);
  }
  const options = input ?? {};
  const catalog = options.catalog ?? autoPlans;
  const now = options.now ?? deps.now;
  const kind = options.backend ?? (deps.redisUrl ? 'redis' : 'sql');
  if (kind === 'redis' && !deps.redisUrl) {
    throw new AuterityError('invalid_options', 'Invalid options: billing.backend: expected a Redis URL (option "redis" or AUTERITY_REDIS_URL) for the "redis" backend', {
      issues: [{ path: 'billing.backend', message: 'the redis backend needs the "redis" option' }],
    });
  }
  const backend =
    kind === 'memory' ? createMemoryBackend() : kind === 'redis' ? createRedisBackend({ redis: deps.redisUrl!, prefix: options.redisPrefix ?? 'auterity:' }) : createSqlBackend(deps.scopeFor);

  const counters = new Map<string, (tenantId: string) => Promise<number>>();
  const rowCounters: Record<string, RowCounter> = {
    seats: async (scope) => Number((await scope.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0),
    workflows: async (scope) => Number((await scope.selectFrom('workflows').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0),
    ...options.counters,
  };
  for (const [feature, count] of Object.entries(rowCounters)) {
    if (catalog.features[feature]?.type === 'limit') counters.set(feature, (tenantId) => count(deps.scopeFor(tenantId)));
  }

  const cache = new Map<string, { state: PlanState; at: number }>();
  const planState = async (tenantId: string): Promise<PlanState> => {
    const t = Date.now();
    const hit = cache.get(tenantId);
    if (hit && t - hit.at < PLAN_CACHE_MS && now() < hit.state.validUntil) return hit.state;
    const state = await loadPlanState(deps.scopeFor(tenantId), catalog, now());
    if (cache.size > 10_000) cache.clear();
    cache.set(tenantId, { state, at: t });
    return state;
  };

  const entitlementDeps = (ready: () => Promise<void>): EntitlementsDeps => ({
    catalog,
    backend,
    now,
    counters,
    async planState(tenantId) {
      await ready();
      return planState(tenantId);
    },
  });
  const engineDeps = entitlementDeps(deps.ready);

  const changed = (tenantId: string) => void cache.delete(tenantId);
  const subscriptionsFor = (scope: TenantScope, ready: () => Promise<void>) => createSubscriptions({ catalog, now, changed }, scope, ready);
  const secretKey = options.stripe?.secretKey ?? deps.env['STRIPE_SECRET_KEY'];
  const providerName = options.provider ?? (secretKey ? 'stripe' : 'local');
  if (providerName === 'stripe' && !secretKey) {
    throw new AuterityError('invalid_options', 'Invalid options: billing.stripe.secretKey: expected a Stripe secret key (or STRIPE_SECRET_KEY) for the "stripe" provider', {
      issues: [{ path: 'billing.stripe.secretKey', message: 'expected a Stripe secret key' }],
    });
  }
  const readyProvider = <T extends unknown[], R>(call: (...args: T) => Promise<R>) => async (...args: T): Promise<R> => {
    await deps.ready();
    return call(...args);
  };
  const rawProvider: BillingProvider =
    providerName === 'stripe'
      ? createStripeProvider(
          { ...options.stripe, secretKey: secretKey!, ...((options.stripe?.webhookSecret ?? deps.env['STRIPE_WEBHOOK_SECRET']) && { webhookSecret: options.stripe?.webhookSecret ?? deps.env['STRIPE_WEBHOOK_SECRET'] }) },
          { catalog, now, scopeFor: deps.scopeFor, tenantIds: deps.tenantIds, changed, ledger: backend },
        )
      : createLocalProvider((tenantId) => subscriptionsFor(deps.scopeFor(tenantId), deps.ready));
  const provider: BillingProvider = Object.freeze({
    name: rawProvider.name,
    pushPlans: readyProvider(rawProvider.pushPlans),
    checkout: readyProvider(rawProvider.checkout),
    portal: readyProvider(rawProvider.portal),
    handleWebhook: readyProvider(rawProvider.handleWebhook),
    reportUsage: readyProvider(rawProvider.reportUsage),
  });

  return {
    catalog,
    backend: backend.name,
    provider,
    validatePlan(plan) {
      if (catalog.plan(plan)) return;
      throw new AuterityError('invalid_input', `Invalid tenant: plan: unknown plan ${JSON.stringify(plan)}; expected one of ${catalog.planIds.join(', ')}`, {
        issues: [{ path: 'plan', message: `unknown plan; expected one of ${catalog.planIds.join(', ')}` }],
      });
    },
    async assertPlanSettable(scope, plan) {
      const row = await scope.selectFrom('billing_subscriptions').select(['provider', 'subscription_ref', 'status', 'plan_id']).executeTakeFirst();
      if (!row || row.provider === 'local' || row.subscription_ref === null || row.status === 'canceled' || row.plan_id === plan) return;
      throw new AuterityError(
        'conflict',
        `Tenant "${scope.tenantId}" is billed through ${row.provider} (subscription ${row.subscription_ref}), whose plan it follows: change the plan there (billing.provider.checkout or portal), and the provider's webhook brings it here.`,
        { details: { tenantId: scope.tenantId, provider: row.provider, subscription: row.subscription_ref, plan: row.plan_id } },
      );
    },
    async beforeRun(ctx) {
      if (!('executions' in catalog.features)) return;
      await createTenantEntitlements(engineDeps, ctx.tenantId).consume('executions', 1, { idempotencyKey: `run:${ctx.runId}` });
    },
    async assertWithinLimit(tenantId, feature, adding = 1) {
      if (catalog.features[feature]?.type !== 'limit') return;
      const result = await createTenantEntitlements(engineDeps, tenantId).check(feature, adding);
      if (result.allowed) return;
      throw new AuterityError('quota_exceeded', `The ${feature} limit of ${result.limit} on this plan is reached (${result.used} in use).`, {
        details: { feature, limit: result.limit, used: result.used, resetsAt: result.resetsAt },
      });
    },
    forTenant: (scope, ready) =>
      Object.freeze({
        ...createTenantEntitlements(entitlementDeps(ready), scope.tenantId),
        subscription: subscriptionsFor(scope, ready),
      }),
    invalidate: changed,
    close: () => backend.close(),
  };
}
