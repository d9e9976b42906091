// The cost record of every AI call (`ai_calls`, migration 0006): one row per call, whatever its
// outcome, read back as usage per model and as per-arm statistics of experiments.
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { parseInput } from '../../shared/validation.js';
import { bool, type TenantScope } from '../../storage/index.js';
import type { RouteStrategy } from '../types.js';

export type CallStatus = 'ok' | 'error' | 'cached' | 'denied' | 'over_budget';

/** What is recorded of one call. Money in USD here; stored as integer micro-USD. */
export interface CallRecordInput {
  callId: string;
  at: number;
  /** The route or model the request named. */
  route: string;
  strategy?: RouteStrategy | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  arm?: string | undefined;
  apiKeyId?: string | undefined;
  userId?: string | undefined;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
  ttftMs?: number | undefined;
  status: CallStatus;
  errorCode?: string | undefined;
  cached: boolean;
  redactions: number;
  streamed: boolean;
  /** Actual tokens the budget could not count (see ai/budgets: a blocking limit is never exceeded). */
  uncountedTokens?: number;
}

export interface ModelUsage {
  model: string;
  calls: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  cacheHits: number;
}

export interface UsageRange {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

/** Per-arm aggregates of an experiment route (successful routed calls only). */
export interface ArmResult {
  arm: string;
  calls: number;
  /** Calls with an outcome recorded. */
  outcomes: number;
  /** Mean outcome (booleans count as 1/0); null without outcomes. */
  outcomeMean: number | null;
  /** Sample variance of the outcome; null with fewer than two outcomes. */
  outcomeVariance: number | null;
  /** True when every recorded outcome is 0 or 1. */
  binary: boolean;
  meanCostUsd: number;
  meanLatencyMs: number;
}

export const MICRO_USD = 1_000_000;
export const toMicroUsd = (usd: number): number => Math.round(usd * MICRO_USD);

const rangeSchema = z.strictObject({
  from: z.number({ error: 'expected epoch milliseconds' }).finite().optional(),
  to: z.number({ error: 'expected epoch milliseconds' }).finite().optional(),
});
const outcomeSchema = z.union([z.boolean(), z.number().finite()], { error: 'expected a finite number or a boolean' });
const callIdSchema = z.string({ error: 'expected a call id' }).min(1, { error: 'expected a call id' }).max(128);

const n = (value: unknown): number => Number(value ?? 0);

export interface CallRecords {
  record(call: CallRecordInput): Promise<void>;
  /** Several records in one statement (all or none). */
  recordMany(calls: readonly CallRecordInput[]): Promise<void>;
  usage(range?: UsageRange): Promise<ModelUsage[]>;
  /** Sets the outcome of one of this tenant's calls; not_found for any other id. */
  recordOutcome(callId: string, outcome: number | boolean): Promise<void>;
  arms(routeId: string): Promise<ArmResult[]>;
}

/** Rows per INSERT: well under every dialect's bound-parameter limit. */
const INSERT_CHUNK = 200;

const toRow = (call: CallRecordInput) => ({
  id: call.callId,
  at: call.at,
  route: call.route,
  strategy: call.strategy ?? null,
  model: call.model ?? null,
  provider: call.provider ?? null,
  arm: call.arm ?? null,
  api_key_id: call.apiKeyId ?? null,
  user_id: call.userId ?? null,
  prompt_tokens: call.promptTokens,
  completion_tokens: call.completionTokens,
  cost: toMicroUsd(call.costUsd),
  latency_ms: Math.round(call.latencyMs),
  ttft_ms: call.ttftMs === undefined ? null : Math.round(call.ttftMs),
  status: call.status,
  error_code: call.errorCode ?? null,
  cached: bool.toColumn(call.cached),
  redactions: call.redactions,
  outcome: null,
  streamed: bool.toColumn(call.streamed),
  uncounted_tokens: call.uncountedTokens ?? 0,
});

export function createCallRecords(scope: TenantScope): CallRecords {
  return {
    async record(call) {
      await scope.insertInto('ai_calls').values(toRow(call)).execute();
    },

    async recordMany(calls) {
      if (calls.length === 0) return;
      if (calls.length <= INSERT_CHUNK) {
        await scope.insertInto('ai_calls').values(calls.map(toRow)).execute();
        return;
      }
      await scope.transaction(async (tx) => {
        for (let start = 0; start < calls.length; start += INSERT_CHUNK) {
          await tx.insertInto('ai_calls').values(calls.slice(start, start + INSERT_CHUNK).map(toRow)).execute();
        }
      });
    },

    async usage(range = {}) {
      const { from, to } = parseInput(rangeSchema, range, 'usage query');
      let query = scope
        .selectFrom('ai_calls')
        .select((eb) => [
          'model',
          eb.fn.countAll<number>().as('calls'),
          eb.fn.sum<number>(eb.case().when('status', '=', 'error').then(1).else(0).end()).as('errors'),
          eb.fn.sum<number>('prompt_tokens').as('prompt_tokens'),
          eb.fn.sum<number>('completion_tokens').as('completion_tokens'),
          eb.fn.sum<number>('cost').as('cost'),
          eb.fn.sum<number>('cached').as('cache_hits'),
        ])
        .where('model', 'is not', null)
        .groupBy('model')
        .orderBy('model');
      if (from !== undefined) query = query.where('at', '>=', from);
      if (to !== undefined) query = query.where('at', '<', to);
      const rows = await query.execute();
      return rows.map((row) => {
        const promptTokens = n(row.prompt_tokens);
        const completionTokens = n(row.completion_tokens);
        return {
          model: row.model as string,
          calls: n(row.calls),
          errors: n(row.errors),
          promptTokens,
          completionTokens,
          totalTokens: promptTokens + completionTokens,
          costUsd: n(row.cost) / MICRO_USD,
          cacheHits: n(row.cache_hits),
        };
      });
    },

    async recordOutcome(callId, outcome) {
      const id = parseInput(callIdSchema, callId, 'call id', 'callId');
      const value = parseInput(outcomeSchema, outcome, 'outcome', 'outcome');
      const result = await scope
        .updateTable('ai_calls')
        .set({ outcome: typeof value === 'boolean' ? (value ? 1 : 0) : value })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new AuterityError('not_found', `AI call ${JSON.stringify(id)} not found.`, { details: { callId: id } });
    },

    async arms(routeId) {
      const rows = await scope
        .selectFrom('ai_calls')
        .select((eb) => [
          'arm',
          eb.fn.countAll<number>().as('calls'),
          eb.fn.count<number>('outcome').as('outcomes'),
          eb.fn.sum<number>('outcome').as('outcome_sum'),
          eb.fn.sum<number>(eb('outcome', '*', eb.ref('outcome'))).as('outcome_sq'),
          eb.fn.sum<number>(eb.case().when('outcome', 'in', [0, 1]).then(0).when('outcome', 'is', null).then(0).else(1).end()).as('non_binary'),
          eb.fn.sum<number>('cost').as('cost'),
          eb.fn.sum<number>('latency_ms').as('latency'),
          eb.fn.min<number>('at').as('first_at'),
        ])
        .where('route', '=', routeId)
        .where('arm', 'is not', null)
        .where('status', '=', 'ok')
        .groupBy('arm')
        .execute();
      return rows
        .map((row) => {
          const calls = n(row.calls);
          const count = n(row.outcomes);
          const sum = n(row.outcome_sum);
          const mean = count > 0 ? sum / count : null;
          const variance = count > 1 && mean !== null ? Math.max(0, (n(row.outcome_sq) - count * mean * mean) / (count - 1)) : null;
          return {
            firstAt: n(row.first_at),
            result: {
              arm: row.arm as string,
              calls,
              outcomes: count,
              outcomeMean: mean,
              outcomeVariance: variance,
              binary: n(row.non_binary) === 0,
              meanCostUsd: calls > 0 ? n(row.cost) / MICRO_USD / calls : 0,
              meanLatencyMs: calls > 0 ? n(row.latency) / calls : 0,
            },
          };
        })
        .sort((a, b) => a.firstAt - b.firstAt || (a.result.arm < b.result.arm ? -1 : 1))
        .map((entry) => entry.result);
    },
  };
}
