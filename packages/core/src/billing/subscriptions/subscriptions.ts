// A tenant's subscription: trialing -> active -> past_due -> canceled, upgrades at once with a
// proration amount, downgrades and cancellations at period end, resume, add-ons, grandfathered plan
// versions. Time-based transitions (trial end, period end) are applied lazily on every read, against
// the injected clock, so nothing needs a timer to be correct.
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { parseInput } from '../../shared/validation.js';
import type { TenantScope, BillingSubscriptionsTable } from '../../storage/index.js';
import type { Catalog, Plan } from '../catalog/catalog.js';
import { windowAt } from '../entitlements/periods.js';

export type SubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'canceled';
export type BillingInterval = 'month' | 'year';

export interface Subscription {
  tenantId: string;
  planId: string;
  planVersion: number;
  status: SubscriptionStatus;
  interval: BillingInterval;
  /** Usage windows and billing periods align to this instant. */
  anchorAt: number;
  currentPeriodStart: number;
  currentPeriodEnd: number;
  trialEndsAt: number | null;
  cancelAtPeriodEnd: boolean;
  /** A downgrade scheduled for the end of the period. */
  pendingPlanId: string | null;
  addons: string[];
  provider: 'local' | 'stripe';
}

export interface PlanChange {
  subscription: Subscription;
  /** `immediate` for upgrades, `period_end` for downgrades. */
  effective: 'immediate' | 'period_end';
  /** Minor units charged now for the rest of the period (upgrades); 0 otherwise. */
  prorationAmount: number;
  currency: string;
}

export interface SubscriptionsApi {
  /** The current subscription (a tenant without one is on its plan, active, anchored at creation). */
  get(): Promise<Subscription>;
  /** Starts a subscription to `planId`, with the plan's trial unless `trial: false` or one was used. */
  subscribe(planId: string, options?: { interval?: BillingInterval; trial?: boolean }): Promise<Subscription>;
  /** Upgrades at once (with the proration amount) or schedules a downgrade for period end. */
  changePlan(planId: string, options?: { interval?: BillingInterval }): Promise<PlanChange>;
  /** Cancels at period end (default) or at once; the tenant then falls back to the free plan. */
  cancel(options?: { atPeriodEnd?: boolean }): Promise<Subscription>;
  /** Undoes a cancellation or scheduled downgrade before it takes effect. */
  resume(): Promise<Subscription>;
  addAddon(addonId: string): Promise<Subscription>;
  removeAddon(addonId: string): Promise<Subscription>;
  /** Moves a grandfathered subscriber to the latest version of its plan. */
  migrateToLatest(): Promise<Subscription>;
}

export interface SubscriptionsDeps {
  catalog: Catalog;
  now(): number;
  /** Called after every change, so cached entitlements see it at once. */
  changed(tenantId: string): void;
}

const intervalSchema = z.enum(['month', 'year'], { error: 'expected "month" or "year"' });
const subscribeSchema = z.strictObject({ interval: intervalSchema.optional(), trial: z.boolean().optional() });
const changeSchema = z.strictObject({ interval: intervalSchema.optional() });
const cancelSchema = z.strictObject({ atPeriodEnd: z.boolean().optional() });
const DAY = 86_400_000;

type Row = Omit<BillingSubscriptionsTable, 'tenant_id'>;

export function toSubscription(tenantId: string, row: Row): Subscription {
  return {
    tenantId,
    planId: row.plan_id,
    planVersion: Number(row.plan_version),
    status: row.status as SubscriptionStatus,
    interval: row.interval === 'year' ? 'year' : 'month',
    anchorAt: Number(row.anchor_at),
    currentPeriodStart: Number(row.current_period_start),
    currentPeriodEnd: Number(row.current_period_end),
    trialEndsAt: row.trial_ends_at === null ? null : Number(row.trial_ends_at),
    cancelAtPeriodEnd: Number(row.cancel_at_period_end) === 1,
    pendingPlanId: row.pending_plan_id,
    addons: JSON.parse(row.addons) as string[],
    provider: row.provider === 'stripe' ? 'stripe' : 'local',
  };
}

/** Price of a plan (plus add-ons) for one interval, in minor units; contract plans rank highest. */
export function intervalPrice(catalog: Catalog, plan: Plan, interval: BillingInterval, addons: readonly string[]): number {
  const base = interval === 'year' ? plan.prices.annual : plan.prices.monthly;
  if (base === null) return Number.MAX_SAFE_INTEGER;
  return base + addons.reduce((sum, id) => sum + (interval === 'year' ? catalog.addonAnnual(id, plan.id) : catalog.addonMonthly(id, plan.id)), 0);
}

/** Applies what time has made due: trial end, then period ends (pending downgrade, cancellation). */
export function advance(catalog: Catalog, row: Row, now: number): Row {
  // Stripe drives its subscriptions' transitions through webhooks; only the period is derived here.
  if (row.provider === 'stripe') return periods(row, now);
  const next = { ...row };
  if (next.status === 'trialing' && next.trial_ends_at !== null && now >= Number(next.trial_ends_at)) {
    if (Number(next.cancel_at_period_end) === 1) return fallBack(catalog, next, Number(next.trial_ends_at));
    next.status = 'active'; // no payment step in the local provider: a trial converts unless canceled
  }
  if (now >= Number(next.current_period_end)) {
    const boundary = Number(next.current_period_end);
    if (Number(next.cancel_at_period_end) === 1) return periods(fallBack(catalog, next, boundary), now);
    if (next.pending_plan_id !== null) {
      const plan = catalog.plan(next.pending_plan_id);
      if (plan) {
        next.plan_id = plan.id;
        next.plan_version = plan.version;
        next.interval = next.pending_interval ?? next.interval;
      }
      next.pending_plan_id = null;
      next.pending_interval = null;
    }
  }
  return periods(next, now);
}

function periods(row: Row, now: number): Row {
  const window = windowAt('billing_cycle', Number(row.anchor_at), now, row.interval === 'year' ? 'year' : 'month');
  return { ...row, current_period_start: window.start, current_period_end: window.end };
}

function fallBack(catalog: Catalog, row: Row, at: number): Row {
  const plan = catalog.plan(catalog.fallbackPlan)!;
  return {
    ...row,
    plan_id: plan.id,
    plan_version: plan.version,
    status: 'canceled',
    cancel_at_period_end: 0,
    pending_plan_id: null,
    pending_interval: null,
    addons: '[]',
    interval: 'month',
    anchor_at: at,
  };
}

export function createSubscriptions(deps: SubscriptionsDeps, scope: TenantScope, ready: () => Promise<void>): SubscriptionsApi {
  const { catalog } = deps;
  const tenantId = scope.tenantId;

  const requirePlan = (planId: unknown): Plan => {
    const plan = typeof planId === 'string' ? catalog.plan(planId) : undefined;
    if (!plan) {
      throw new AuterityError('invalid_input', `Unknown plan ${JSON.stringify(planId)}; expected one of ${catalog.planIds.join(', ')}.`, {
        issues: [{ path: 'plan', message: `unknown plan; expected one of ${catalog.planIds.join(', ')}` }],
      });
    }
    return plan;
  };

  /** The stored row advanced to now (persisted if time moved it), or the implicit one. */
  const load = async (tx: TenantScope): Promise<{ row: Row; stored: boolean }> => {
    const now = deps.now();
    const stored = await tx.selectFrom('billing_subscriptions').selectAll().executeTakeFirst();
    const tenant = await tx.selectFrom('tenants').select(['plan', 'created_at']).executeTakeFirst();
    if (!tenant) throw new AuterityError('not_found', `Tenant "${tenantId}" not found.`, { details: { tenantId } });
    if (stored && stored.plan_id === tenant.plan) {
      const advanced = advance(catalog, stored, now);
      if (JSON.stringify(advanced) !== JSON.stringify(stored)) await save(tx, advanced, true);
      return { row: advanced, stored: true };
    }
    // No subscription yet (or the plan was set through tenants.update): active on the tenant's plan.
    const plan = catalog.plan(tenant.plan) ?? catalog.plan(catalog.fallbackPlan)!;
    const anchor = stored ? now : Number(tenant.created_at);
    const row: Row = periods(
      {
        plan_id: plan.id, plan_version: plan.version, status: 'active', interval: 'month', anchor_at: anchor, current_period_start: anchor, current_period_end: anchor,
        trial_ends_at: stored?.trial_ends_at ?? null, cancel_at_period_end: 0, pending_plan_id: null, pending_interval: null, addons: '[]', provider: stored?.provider ?? 'local',
        customer_ref: stored?.customer_ref ?? null, subscription_ref: null, provider_updated_at: null, status_updated_at: null, created_at: now, updated_at: now,
      },
      now,
    );
    return { row, stored: stored !== undefined };
  };

  const save = async (tx: TenantScope, row: Row, exists: boolean): Promise<void> => {
    const { tenant_id: _omit, ...rest } = row as Row & { tenant_id?: string };
    const values = { ...rest, updated_at: deps.now() };
    if (exists) await tx.updateTable('billing_subscriptions').set(values).execute();
    else await tx.insertInto('billing_subscriptions').values(values).execute();
    await tx.updateTable('tenants').set({ plan: row.plan_id, updated_at: deps.now() }).execute();
  };

  const mutate = async (fn: (row: Row, now: number) => Row): Promise<Subscription> => {
    await ready();
    const result = await scope.transaction(async (tx) => {
      const { row, stored } = await load(tx);
      const next = fn(row, deps.now());
      await save(tx, next, stored);
      return next;
    });
    deps.changed(tenantId);
    return toSubscription(tenantId, result);
  };

  return {
    async get() {
      await ready();
      const { row } = await scope.transaction((tx) => load(tx));
      return toSubscription(tenantId, row);
    },

    async subscribe(planId, options = {}) {
      const plan = requirePlan(planId);
      const opts = parseInput(subscribeSchema, options, 'subscribe options');
      return mutate((row, now) => {
        const trial = (opts.trial ?? true) && plan.trialDays > 0 && row.trial_ends_at === null;
        return periods(
          {
            ...row,
            plan_id: plan.id, plan_version: plan.version, interval: opts.interval ?? 'month', anchor_at: now,
            status: trial ? 'trialing' : 'active', trial_ends_at: trial ? now + plan.trialDays * DAY : row.trial_ends_at,
            cancel_at_period_end: 0, pending_plan_id: null, pending_interval: null, created_at: now,
          },
          now,
        );
      });
    },

    async changePlan(planId, options = {}) {
      const target = requirePlan(planId);
      const opts = parseInput(changeSchema, options, 'plan change options');
      let effective: PlanChange['effective'] = 'immediate';
      let prorationAmount = 0;
      const subscription = await mutate((row, now) => {
        const current = catalog.plan(row.plan_id, Number(row.plan_version)) ?? catalog.plan(row.plan_id)!;
        const interval = opts.interval ?? (row.interval === 'year' ? 'year' : 'month');
        const addons = JSON.parse(row.addons) as string[];
        const from = intervalPrice(catalog, current, row.interval === 'year' ? 'year' : 'month', addons);
        const to = intervalPrice(catalog, target, interval, addons);
        if (to < from) {
          effective = 'period_end';
          return { ...row, pending_plan_id: target.id, pending_interval: interval };
        }
        // Upgrade now: charge the difference for the part of the period that is left.
        const start = Number(row.current_period_start);
        const end = Number(row.current_period_end);
        if (row.status !== 'trialing' && to !== Number.MAX_SAFE_INTEGER && from !== Number.MAX_SAFE_INTEGER) {
          prorationAmount = Math.max(0, Math.round(((to - from) * (end - now)) / (end - start)));
        }
        const next: Row = { ...row, plan_id: target.id, plan_version: target.version, pending_plan_id: null, pending_interval: null, cancel_at_period_end: 0 };
        if (interval !== row.interval) return periods({ ...next, interval, anchor_at: now }, now);
        return next;
      });
      return { subscription, effective, prorationAmount, currency: catalog.currency };
    },

    async cancel(options = {}) {
      const opts = parseInput(cancelSchema, options, 'cancel options');
      return mutate((row, now) => (opts.atPeriodEnd === false ? periods(fallBack(catalog, row, now), now) : { ...row, cancel_at_period_end: 1 }));
    },

    resume: () => mutate((row) => ({ ...row, cancel_at_period_end: 0, pending_plan_id: null, pending_interval: null })),

    async addAddon(addonId) {
      if (typeof addonId !== 'string' || !catalog.addon(addonId)) {
        throw new AuterityError('invalid_input', `Unknown add-on ${JSON.stringify(addonId)}; expected one of ${catalog.addons.map((a) => a.id).join(', ')}.`, { issues: [{ path: 'addon', message: 'unknown add-on' }] });
      }
      return mutate((row) => ({ ...row, addons: JSON.stringify([...new Set([...(JSON.parse(row.addons) as string[]), addonId])]) }));
    },

    removeAddon: (addonId) => mutate((row) => ({ ...row, addons: JSON.stringify((JSON.parse(row.addons) as string[]).filter((id) => id !== addonId)) })),

    migrateToLatest: () => mutate((row) => ({ ...row, plan_version: catalog.plan(row.plan_id)?.version ?? row.plan_version })),
  };
}
