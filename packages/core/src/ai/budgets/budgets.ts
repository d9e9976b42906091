// Token and spend budgets of AI calls through the billing engine: reserve before the call, commit
// the actual usage after it.
//
// The rules:
// - The prompt is *estimated* before the call with the rule the offline provider and the test
//   upstream count with: ceil(characters / 4) per message content, at least 1 per message. It is an
//   estimate; real tokenizers differ, which the commit rule below absorbs.
// - The completion cap is min(the request's max_completion_tokens / max_tokens, the default cap,
//   what each blocking budget has left after the prompt estimate). The router sends it upstream as
//   `max_completion_tokens`, so a provider cannot produce more than was reserved.
// - prompt estimate + cap are reserved atomically per feature (tokens, per-key tokens, and spend in
//   micro-USD at the most expensive candidate's prices). A reservation refused because another call
//   took the last tokens first is re-planned with fresh numbers a few times before refusing.
// - The actual usage is committed when the call ends (streams at their end, on error and on abort
//   with the partial usage). A call that used nothing releases its reservations.
// - When the actual usage exceeds the reservation (the prompt estimate was low), the commit counts
//   as much of it as fits under a blocking limit (filling the budget up to exactly its limit) and
//   never beyond; the rest is returned as `uncountedTokens`, which the call's `ai_calls` row keeps
//   next to the actual token numbers. Non-blocking features (bill / warn overage) count everything.
import { z } from 'zod';
import { AuterityError, isAuterityError } from '../../errors.js';
import { optionError } from '../../shared/validation.js';
import type { Catalog, CheckResult, Reservation, TenantBilling } from '../../billing/index.js';
import { countPromptTokens } from '../providers/index.js';
import { toMicroUsd } from '../records/index.js';
import type { ChatRequest, ModelEntry } from '../types.js';

const featureName = z.string().min(1).max(63);

export const budgetsOptionsSchema = z.strictObject({
  /** Metered feature counting tokens per tenant. Default: `ai_tokens` when the plan catalog has it; false: none. */
  tokens: z.union([featureName, z.literal(false)]).optional(),
  /** Metered feature counting spend in micro-USD per tenant. */
  spend: featureName.optional(),
  /** Metered feature with `scope: 'api_key'` counting tokens per API key (calls made with a key). */
  keyTokens: featureName.optional(),
  /** Completion cap when the request sets none. Default 4096. */
  defaultMaxCompletionTokens: z.number().int().positive().max(10_000_000).default(4_096),
  /** How long a reservation holds before billing gives it back by itself. Default 10 minutes. */
  reservationTtlMs: z.number().int().positive().default(600_000),
});

export type BudgetsOptions = z.input<typeof budgetsOptionsSchema>;

export interface ActualUsage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Usage of a meter that cannot refuse, left for the caller to consume (see `deferCounted`). */
export interface DeferredConsume {
  feature: string;
  amount: number;
  /** Set for per-key features. */
  apiKeyId?: string;
}

/** What one call holds of its tenant's budgets until it ends. */
export interface BudgetHold {
  /** The prompt estimate the reservation was made with. */
  readonly promptEstimate: number;
  /** Completion tokens the call may produce: pass to the router as `maxCompletionTokens`. Undefined: no token budget applies. */
  readonly maxCompletionTokens: number | undefined;
  /**
   * Counts the actual usage; returns the tokens no budget could count (see the rules above) and,
   * when the hold was made with `deferCounted`, what the non-blocking meters are still to count.
   * Settles once.
   */
  commit(actual: ActualUsage): Promise<{ uncountedTokens: number; deferred: DeferredConsume[] }>;
  /** Gives everything back (the call failed before using anything). */
  release(): Promise<void>;
}

export interface Budgets {
  /** True when some budget feature is configured. */
  readonly active: boolean;
  /**
   * `deferCounted`: meters that cannot refuse (unlimited, overage billed or warned) are not consumed
   * by `commit` but returned for the caller to consume later (e.g. summed over several calls).
   */
  hold(billing: TenantBilling, input: { request: ChatRequest; candidates: readonly ModelEntry[]; apiKeyId?: string | undefined; deferCounted?: boolean }): Promise<BudgetHold>;
}

/** Prompt tokens as estimated before the call (an estimate: see the rules above). */
export const estimatePromptTokens = (request: ChatRequest): number => countPromptTokens(request.messages);

interface Meter {
  feature: string;
  kind: 'tokens' | 'spend';
  perKey: boolean;
  blocking: boolean;
}

interface Held {
  meter: Meter;
  reservation: Reservation;
}

const PLAN_ATTEMPTS = 6;

function exhausted(check: CheckResult, requested: number, what: string): AuterityError {
  const reset = check.resetsAt === null ? '' : `; resets at ${new Date(check.resetsAt).toISOString()}`;
  const message =
    check.reason === 'not_in_plan'
      ? `Feature "${check.feature}" is not included in the tenant's plan.`
      : `Quota exceeded for "${check.feature}": limit ${check.limit}, ${check.used} used${reset}; this call needs at least ${requested} ${what}.`;
  return new AuterityError('quota_exceeded', message, {
    details: { feature: check.feature, limit: check.limit, used: check.used, requested, resetsAt: check.resetsAt, reason: check.reason === 'not_in_plan' ? 'not_in_plan' : 'limit_reached' },
  });
}


/** Commits `actual`, or as much of it as a blocking limit admits; returns the tokens left uncounted. */
async function commitClamped(billing: TenantBilling, held: Held, actual: number, apiKeyId: string | undefined): Promise<number> {
  const { reservation, meter } = held;
  let amount = actual;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    try {
      await reservation.commit(amount);
      return actual - amount;
    } catch (error) {
      if (isAuterityError(error, 'conflict')) {
        // The reservation outlived its TTL and was given back: count the usage on its own.
        try {
          await billing.consume(meter.feature, actual, meter.perKey && apiKeyId ? { apiKeyId } : {});
          return 0;
        } catch (consumeError) {
          if (isAuterityError(consumeError, 'quota_exceeded') || isAuterityError(consumeError, 'invalid_input')) return actual;
          throw consumeError;
        }
      }
      if (!isAuterityError(error, 'quota_exceeded')) throw error;
      const details = error.details as { limit?: number | null; used?: number } | undefined;
      const room = Math.max(0, (details?.limit ?? 0) - (details?.used ?? 0));
      // Fill the budget up to its limit; the reserved amount itself always fits.
      amount = attempt < 2 ? Math.min(actual, reservation.amount + room) : Math.min(actual, reservation.amount);
    }
  }
  return actual - amount;
}

export function createBudgets(input: BudgetsOptions | undefined, catalog: Catalog | undefined, path = 'ai.budgets'): Budgets {
  const options = budgetsOptionsSchema.parse(input ?? {});
  const meters: Meter[] = [];
  const add = (option: string, feature: string, kind: Meter['kind'], perKey: boolean) => {
    const definition = catalog?.features[feature];
    if (catalog && !definition) throw optionError(`${path}.${option}`, `unknown feature "${feature}"; expected one of ${Object.keys(catalog.features).join(', ')}`);
    if (definition && definition.type !== 'metered') throw optionError(`${path}.${option}`, `expected a metered feature, "${feature}" is ${definition.type}`);
    if (definition?.type === 'metered' && (definition.scope === 'api_key') !== perKey) {
      throw optionError(`${path}.${option}`, perKey ? `expected a feature with scope "api_key"` : `expected a tenant-wide feature, "${feature}" is limited per API key`);
    }
    meters.push({ feature, kind, perKey, blocking: definition?.type !== 'metered' || definition.overage.policy === 'block' });
  };
  const tokens = options.tokens ?? (catalog?.features['ai_tokens'] ? 'ai_tokens' : false);
  if (tokens !== false) add('tokens', tokens, 'tokens', false);
  if (options.keyTokens) add('keyTokens', options.keyTokens, 'tokens', true);
  if (options.spend) add('spend', options.spend, 'spend', false);

  return {
    active: meters.length > 0,
    async hold(billing, { request, candidates, apiKeyId, deferCounted = false }) {
      const promptEstimate = estimatePromptTokens(request);
      const applying = meters.filter((meter) => !meter.perKey || apiKeyId !== undefined);
      if (applying.length === 0) {
        return { promptEstimate, maxCompletionTokens: undefined, commit: async () => ({ uncountedTokens: 0, deferred: [] }), release: async () => undefined };
      }
      const inPerToken = Math.max(0, ...candidates.map((model) => model.inputPerMTok));
      const outPerToken = Math.max(0, ...candidates.map((model) => model.outputPerMTok));
      const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
      const opts = (meter: Meter) => (meter.perKey && apiKeyId !== undefined ? { apiKeyId } : {});

      let lastError: unknown;
      for (let attempt = 0; attempt < PLAN_ATTEMPTS; attempt += 1) {
        let cap = Math.min(requested ?? Number.POSITIVE_INFINITY, options.defaultMaxCompletionTokens);
        // Meters that cannot refuse (unlimited, or an overage policy that bills or warns) are only
        // counted afterwards: holding them would cost two writes and protect nothing.
        const counted: Meter[] = [];
        const limited: Meter[] = [];
        for (const meter of applying) {
          // A feature whose overage is billed or warned never refuses: no need to read its usage.
          if (!meter.blocking) {
            counted.push(meter);
            continue;
          }
          const check = await billing.check(meter.feature, 1, opts(meter));
          if (!check.allowed && check.reason === 'not_in_plan') throw exhausted(check, meter.kind === 'tokens' ? promptEstimate + 1 : 1, meter.kind === 'tokens' ? 'tokens' : 'micro-USD');
          if (check.remaining === null) {
            counted.push(meter);
            continue;
          }
          limited.push(meter);
          if (meter.kind === 'tokens') {
            const left = check.remaining - promptEstimate;
            if (left < 1) throw exhausted(check, promptEstimate + 1, 'tokens (prompt estimate + 1)');
            cap = Math.min(cap, left);
          } else {
            const left = check.remaining - Math.ceil(promptEstimate * inPerToken);
            const fits = outPerToken > 0 ? Math.floor(left / outPerToken) : Number.POSITIVE_INFINITY;
            if (left < 0 || fits < 1) throw exhausted(check, Math.ceil(promptEstimate * inPerToken + outPerToken), 'micro-USD');
            cap = Math.min(cap, fits);
          }
        }
        const held: Held[] = [];
        try {
          for (const meter of limited) {
            // Prices are USD per 1M tokens, i.e. micro-USD per token.
            const amount = meter.kind === 'tokens' ? promptEstimate + cap : Math.ceil(promptEstimate * inPerToken + cap * outPerToken);
            if (amount <= 0) continue;
            held.push({ meter, reservation: await billing.reserve(meter.feature, amount, { ttlMs: options.reservationTtlMs, ...opts(meter) }) });
          }
        } catch (error) {
          await Promise.all(held.map(({ reservation }) => reservation.release().catch(() => false)));
          if (!isAuterityError(error, 'quota_exceeded')) throw error;
          lastError = error; // another call took the room first: plan again with fresh numbers
          continue;
        }
        let settled = false;
        return {
          promptEstimate,
          maxCompletionTokens: cap,
          async commit(actual) {
            if (settled) return { uncountedTokens: 0, deferred: [] };
            settled = true;
            let uncountedTokens = 0;
            const amountOf = (meter: Meter) => (meter.kind === 'tokens' ? actual.promptTokens + actual.completionTokens : toMicroUsd(actual.costUsd));
            for (const item of held) {
              const uncounted = await commitClamped(billing, item, amountOf(item.meter), apiKeyId);
              if (item.meter.kind === 'tokens') uncountedTokens = Math.max(uncountedTokens, uncounted);
            }
            const deferred: DeferredConsume[] = [];
            for (const meter of counted) {
              const amount = amountOf(meter);
              if (amount <= 0) continue;
              if (deferCounted) deferred.push({ feature: meter.feature, amount, ...(meter.perKey && apiKeyId !== undefined && { apiKeyId }) });
              else await billing.consume(meter.feature, amount, opts(meter));
            }
            return { uncountedTokens, deferred };
          },
          async release() {
            if (settled) return;
            settled = true;
            await Promise.all(held.map(({ reservation }) => reservation.release().catch(() => false)));
          },
        };
      }
      throw lastError;
    },
  };
}
