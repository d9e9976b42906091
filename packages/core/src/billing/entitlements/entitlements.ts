// Entitlements of one tenant: check, consume, reserve/commit/release and rate limits, resolved from
// its plan version and add-ons and enforced atomically by the quota backend.
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { createId } from '../../shared/ids.js';
import { parseInput } from '../../shared/validation.js';
import type { QuotaBackend, RateResult, UsageQuery, UsageRecord } from '../backends/types.js';
import { totalsByFeature, type UsageTotal } from '../ledger/index.js';
import type { Catalog, ResolvedGrant } from '../catalog/catalog.js';
import type { PlanState } from './plan-state.js';
import { windowAt, type Window } from './periods.js';

export type CheckReason = 'within_limit' | 'unlimited' | 'not_in_plan' | 'limit_reached' | 'overage_billed' | 'overage_warned';

export interface CheckResult {
  feature: string;
  allowed: boolean;
  /** null: unlimited (or not a counted feature). */
  limit: number | null;
  used: number;
  /** null when unlimited. Never negative. */
  remaining: number | null;
  /** Epoch ms when usage resets; null for features that never reset. */
  resetsAt: number | null;
  reason: CheckReason;
}

export interface ConsumeResult extends CheckResult {
  /** True when the idempotency key had already been consumed: nothing was counted again. */
  replayed: boolean;
  /** Usage above the limit admitted under a bill or warn overage policy. */
  overage: number;
  /** Warn thresholds (fractions of the limit) this call crossed. */
  thresholdsCrossed: number[];
}

export interface Reservation {
  readonly id: string;
  readonly feature: string;
  readonly amount: number;
  readonly expiresAt: number;
  /** Records `actual` (may differ from the reserved amount) and settles the reservation. */
  commit(actual: number): Promise<ConsumeResult>;
  /** Gives the amount back; false if it was already settled or had expired. */
  release(): Promise<boolean>;
}

export interface TenantEntitlements {
  /** `apiKeyId`: the key whose counter to read, for metered features limited per API key. */
  check(feature: string, amount?: number, options?: { apiKeyId?: string }): Promise<CheckResult>;
  /**
   * Atomically counts `amount`; throws quota_exceeded (naming feature, limit and reset) when refused.
   * Metered features with `scope: 'api_key'` count per key: pass `apiKeyId`.
   */
  consume(feature: string, amount?: number, options?: { idempotencyKey?: string; apiKeyId?: string }): Promise<ConsumeResult>;
  /** Holds `amount` until commit/release; given back by itself after `ttlMs`. `apiKeyId` as for consume. */
  reserve(feature: string, amount: number, options: { ttlMs: number; idempotencyKey?: string; apiKeyId?: string }): Promise<Reservation>;
  /** Counts one request against a rate feature; throws rate_limited with `retryAfterMs` when refused. */
  rateLimit(feature: string, options?: { apiKeyId?: string }): Promise<RateResult>;
  /** The usage ledger: every admitted consume and commit. */
  usage(query?: UsageQuery): Promise<UsageRecord[]>;
  /** Ledger totals per feature over a time range (analytics, invoices). */
  usageTotals(query?: Omit<UsageQuery, 'limit'>): Promise<UsageTotal[]>;
}

export interface EntitlementsDeps {
  catalog: Catalog;
  backend: QuotaBackend;
  now(): number;
  planState(tenantId: string): Promise<PlanState>;
  /** Row counts for limit features counted from real rows (seats, workflows). */
  counters: ReadonlyMap<string, (tenantId: string) => Promise<number>>;
}

const NEVER = 8_640_000_000_000_000; // the largest Date: windows of features that never reset
const PER_MS = { second: 1_000, minute: 60_000, hour: 3_600_000 } as const;

const amountSchema = z.number({ error: 'expected a positive integer amount' }).int({ error: 'expected a positive integer amount' }).positive({ error: 'expected a positive integer amount' });
const commitSchema = z.number({ error: 'expected a non-negative integer amount' }).int({ error: 'expected a non-negative integer amount' }).nonnegative({ error: 'expected a non-negative integer amount' });
const keySchema = z.string().min(1, { error: 'expected a non-empty idempotency key' }).max(255, { error: 'expected at most 255 characters' });
const apiKeyIdSchema = z.string().min(1).max(256);
const checkOptionsSchema = z.strictObject({ apiKeyId: apiKeyIdSchema.optional() });
const consumeOptionsSchema = z.strictObject({ idempotencyKey: keySchema.optional(), apiKeyId: apiKeyIdSchema.optional() });
const reserveOptionsSchema = z.strictObject({
  ttlMs: z.number({ error: 'expected a positive number of milliseconds' }).int().positive({ error: 'expected a positive number of milliseconds' }),
  idempotencyKey: keySchema.optional(),
  apiKeyId: apiKeyIdSchema.optional(),
});
const rateOptionsSchema = z.strictObject({ apiKeyId: apiKeyIdSchema.optional() });

function describeLimit(feature: string, limit: number, period: string | undefined, used: number, resetsAt: number | null): string {
  const per = period ? ` per ${period === 'billing_cycle' ? 'billing cycle' : period}` : '';
  const reset = resetsAt === null ? '' : `; resets at ${new Date(resetsAt).toISOString()}`;
  return `Quota exceeded for "${feature}": limit ${limit}${per}, ${used} used${reset}.`;
}

const windowFor = (grant: ResolvedGrant, state: PlanState, now: number): Window =>
  grant.type !== 'boolean' && grant.definition.type === 'metered' ? windowAt(grant.definition.period, state.anchor, now, state.interval) : { start: 0, end: NEVER };

/**
 * The counter a metered feature is kept in: the feature itself, or one per API key for features
 * limited per key (named as `rateLimit` names its per-key subjects).
 */
const counterFeature = (grant: ResolvedGrant, apiKeyId: string | undefined): string => {
  if (grant.type === 'boolean' || grant.definition.type !== 'metered' || grant.definition.scope !== 'api_key') return grant.feature;
  if (apiKeyId === undefined) {
    throw new AuterityError('invalid_input', `Feature "${grant.feature}" is limited per API key; pass apiKeyId.`, { issues: [{ path: 'apiKeyId', message: 'expected the API key id' }] });
  }
  return `${grant.feature}:key:${apiKeyId}`;
};

const overagePolicy = (grant: ResolvedGrant) => (grant.type !== 'boolean' && grant.definition.type === 'metered' ? grant.definition.overage : { policy: 'block' as const });

const result = (grant: ResolvedGrant, used: number, window: Window, amount: number, admitted?: boolean): CheckResult => {
  if (grant.type === 'boolean') return { feature: grant.feature, allowed: grant.enabled, limit: null, used: 0, remaining: null, resetsAt: null, reason: grant.enabled ? 'within_limit' : 'not_in_plan' };
  const resetsAt = window.end === NEVER ? null : window.end;
  if (grant.limit === null) return { feature: grant.feature, allowed: true, limit: null, used, remaining: null, resetsAt, reason: 'unlimited' };
  const remaining = Math.max(0, grant.limit - used);
  const fits = admitted ?? used + amount <= grant.limit;
  if (grant.limit === 0 && overagePolicy(grant).policy === 'block') return { feature: grant.feature, allowed: false, limit: 0, used, remaining: 0, resetsAt, reason: 'not_in_plan' };
  if (fits && used <= grant.limit) return { feature: grant.feature, allowed: true, limit: grant.limit, used, remaining, resetsAt, reason: 'within_limit' };
  const policy = overagePolicy(grant).policy;
  if (policy === 'bill') return { feature: grant.feature, allowed: true, limit: grant.limit, used, remaining, resetsAt, reason: 'overage_billed' };
  if (policy === 'warn') return { feature: grant.feature, allowed: true, limit: grant.limit, used, remaining, resetsAt, reason: 'overage_warned' };
  return { feature: grant.feature, allowed: fits, limit: grant.limit, used, remaining, resetsAt, reason: fits ? 'within_limit' : 'limit_reached' };
};

const completed = (grant: ResolvedGrant, used: number, window: Window, amount: number, replayed: boolean): ConsumeResult => {
  const base = result(grant, used, window, 0, true);
  const limit = grant.type === 'boolean' ? null : grant.limit;
  const overage = limit === null ? 0 : Math.max(0, used - limit);
  const before = replayed ? used : used - amount;
  const policy = overagePolicy(grant);
  const thresholdsCrossed = policy.policy === 'warn' && limit !== null && !replayed ? policy.thresholds.filter((t) => before < t * limit && used >= t * limit) : [];
  return { ...base, allowed: true, replayed, overage, thresholdsCrossed };
};

export function createTenantEntitlements(deps: EntitlementsDeps, tenantId: string): TenantEntitlements {
  const grantOf = async (feature: string) => {
    if (typeof feature !== 'string' || !(feature in deps.catalog.features)) {
      throw new AuterityError('invalid_input', `Unknown feature ${JSON.stringify(feature)}; expected one of ${Object.keys(deps.catalog.features).join(', ')}.`, {
        issues: [{ path: 'feature', message: 'unknown feature' }],
      });
    }
    const state = await deps.planState(tenantId);
    const grant = deps.catalog.resolve(state.planId, state.planVersion, state.addons).get(feature) as ResolvedGrant;
    return { state, grant };
  };

  const refuse = (check: CheckResult, amount: number): AuterityError => {
    const grant = deps.catalog.features[check.feature];
    const period = grant?.type === 'metered' ? grant.period : undefined;
    const message =
      check.reason === 'not_in_plan'
        ? `Feature "${check.feature}" is not included in the tenant's plan.`
        : describeLimit(check.feature, check.limit ?? 0, period, check.used, check.resetsAt);
    return new AuterityError('quota_exceeded', message, {
      details: { feature: check.feature, limit: check.limit, used: check.used, requested: amount, resetsAt: check.resetsAt, reason: check.reason },
    });
  };

  const countedRows = (feature: string) => deps.counters.get(feature);

  const api: TenantEntitlements = {
    async check(feature, amount = 1, options = {}) {
      const n = parseInput(amountSchema, amount, 'amount', 'amount');
      const opts = parseInput(checkOptionsSchema, options, 'check options');
      const { state, grant } = await grantOf(feature);
      const now = deps.now();
      if (grant.type === 'boolean') return result(grant, 0, { start: 0, end: NEVER }, n);
      const window = windowFor(grant, state, now);
      const rows = countedRows(feature);
      const used = rows ? await rows(tenantId) : await deps.backend.read({ tenantId, feature: counterFeature(grant, opts.apiKeyId), windowStart: window.start, windowEnd: window.end }, now);
      return result(grant, used, window, n);
    },

    async consume(feature, amount = 1, options = {}) {
      const n = parseInput(amountSchema, amount, 'amount', 'amount');
      const opts = parseInput(consumeOptionsSchema, options, 'consume options');
      const { state, grant } = await grantOf(feature);
      if (grant.type === 'boolean' || grant.type === 'rate') {
        throw new AuterityError('invalid_input', `Feature "${feature}" is a ${grant.type} feature; consume counts limit and metered features.`, { issues: [{ path: 'feature', message: `expected a limit or metered feature, got ${grant.type}` }] });
      }
      if (countedRows(feature)) {
        throw new AuterityError('invalid_input', `Feature "${feature}" is counted from its rows; use check() before creating one.`, { issues: [{ path: 'feature', message: 'counted from rows' }] });
      }
      const now = deps.now();
      const window = windowFor(grant, state, now);
      const blocking = overagePolicy(grant).policy === 'block';
      const outcome = await deps.backend.consume({
        tenantId, feature: counterFeature(grant, opts.apiKeyId), windowStart: window.start, windowEnd: window.end, amount: n, now,
        limit: blocking ? grant.limit : null,
        ...(opts.idempotencyKey !== undefined && { idempotencyKey: opts.idempotencyKey }),
      });
      if (!outcome.admitted) throw refuse(result(grant, outcome.used, window, n, false), n);
      return completed(grant, outcome.used, window, n, outcome.replayed);
    },

    async reserve(feature, amount, options) {
      const n = parseInput(amountSchema, amount, 'amount', 'amount');
      const opts = parseInput(reserveOptionsSchema, options, 'reserve options');
      const { state, grant } = await grantOf(feature);
      if (grant.type !== 'metered' && grant.type !== 'limit') {
        throw new AuterityError('invalid_input', `Feature "${feature}" is a ${grant.type} feature; reserve holds limit and metered features.`, { issues: [{ path: 'feature', message: `expected a limit or metered feature, got ${grant.type}` }] });
      }
      const now = deps.now();
      const window = windowFor(grant, state, now);
      const reservationId = createId('rsv');
      const expiresAt = now + opts.ttlMs;
      const limit = overagePolicy(grant).policy === 'block' ? grant.limit : null;
      const outcome = await deps.backend.reserve({
        tenantId, feature: counterFeature(grant, opts.apiKeyId), windowStart: window.start, windowEnd: window.end, amount: n, now, limit, reservationId, expiresAt,
        ...(opts.idempotencyKey !== undefined && { idempotencyKey: opts.idempotencyKey }),
      });
      if (!outcome.admitted) throw refuse(result(grant, outcome.used, window, n, false), n);
      return Object.freeze({
        id: reservationId,
        feature,
        amount: n,
        expiresAt,
        async commit(actual: number) {
          const value = parseInput(commitSchema, actual, 'actual amount', 'actual');
          const outcome2 = await deps.backend.commit({ tenantId, reservationId, actual: value, limit, now: deps.now() });
          if (outcome2.status === 'gone') {
            throw new AuterityError('conflict', `Reservation ${reservationId} of "${feature}" was already settled or has expired.`, { details: { reservationId, feature } });
          }
          if (outcome2.status === 'over_limit') throw refuse(result(grant, outcome2.used, window, value - n, false), value - n);
          return completed(grant, outcome2.used, window, value, false);
        },
        release: () => deps.backend.release(tenantId, reservationId, deps.now()),
      });
    },

    async rateLimit(feature, options = {}) {
      const opts = parseInput(rateOptionsSchema, options, 'rate limit options');
      const { grant } = await grantOf(feature);
      if (grant.type !== 'rate') {
        throw new AuterityError('invalid_input', `Feature "${feature}" is a ${grant.type} feature; rateLimit applies to rate features.`, { issues: [{ path: 'feature', message: `expected a rate feature, got ${grant.type}` }] });
      }
      if (grant.limit === null) return { allowed: true, remaining: Number.MAX_SAFE_INTEGER, retryAfterMs: 0 };
      const definition = grant.definition.type === 'rate' ? grant.definition : undefined;
      const perMs = PER_MS[definition?.per ?? 'minute'];
      if (definition?.scope === 'api_key' && opts.apiKeyId === undefined) {
        throw new AuterityError('invalid_input', `Feature "${feature}" is limited per API key; pass apiKeyId.`, { issues: [{ path: 'apiKeyId', message: 'expected the API key id' }] });
      }
      if (grant.limit === 0) throw new AuterityError('rate_limited', `Feature "${feature}" is not included in the tenant's plan.`, { details: { feature, limit: 0 } });
      const key = definition?.scope === 'api_key' ? `${feature}:key:${opts.apiKeyId}` : feature;
      const outcome = await deps.backend.rate({ tenantId, key, intervalMs: Math.max(1, Math.floor(perMs / grant.limit)), burst: grant.limit, now: deps.now() });
      if (!outcome.allowed) {
        throw new AuterityError('rate_limited', `Rate limit of "${feature}" reached: ${grant.limit} per ${definition?.per}; retry in ${Math.ceil(outcome.retryAfterMs)} ms.`, {
          details: { feature, limit: grant.limit, per: definition?.per, retryAfterMs: outcome.retryAfterMs },
        });
      }
      return outcome;
    },

    usage: (query) => deps.backend.usage(tenantId, query),
    usageTotals: async (query) => totalsByFeature(await deps.backend.usage(tenantId, query)),
  };
  return Object.freeze(api);
}
