// SQL backend (SQLite or PostgreSQL through the tenant scope). Admission is one conditional UPDATE
// (`used = used + n where used <= limit - n`) inside a transaction that also writes the ledger row,
// so the database's row lock decides, not a read-then-write in JS. Every transaction starts with a
// write: on SQLite this takes the write lock first (waiting on busy_timeout) instead of failing to
// upgrade a read snapshot another process has moved past.
import type { TenantScope } from '../../storage/index.js';
import { isUniqueViolation } from '../../storage/index.js';
import { ledgerId } from '../ledger/ids.js';
import type { CommitResult, ConsumeRequest, ConsumeResult, CounterRef, QuotaBackend, ReserveRequest, UsageRecord } from './types.js';

/** Thrown inside a transaction to roll it back when the limit refuses the amount. */
class Refused extends Error {
  constructor(readonly used: number) {
    super('refused');
  }
}

async function currentUsed(scope: TenantScope, ref: CounterRef): Promise<number> {
  const row = await scope
    .selectFrom('billing_counters')
    .select('used')
    .where('feature', '=', ref.feature)
    .where('window_start', '=', ref.windowStart)
    .executeTakeFirst();
  return Number(row?.used ?? 0);
}

/** Gives back the amounts of this feature's expired reservations (each row is deleted exactly once); true if any. */
async function sweep(tx: TenantScope, feature: string, now: number): Promise<boolean> {
  const expired = await tx
    .deleteFrom('billing_reservations')
    .where('feature', '=', feature)
    .where('expires_at', '<=', now)
    .returning(['window_start', 'amount'])
    .execute();
  for (const row of expired) {
    await tx
      .updateTable('billing_counters')
      .set((eb) => ({ used: eb('used', '-', Number(row.amount)) }))
      .where('feature', '=', feature)
      .where('window_start', '=', Number(row.window_start))
      .execute();
  }
  return expired.length > 0;
}

/**
 * Adds `amount` to the counter if it stays within `limit`, in one upsert whose DO UPDATE carries the
 * condition; returns the new usage or throws Refused.
 */
async function increment(tx: TenantScope, ref: CounterRef, amount: number, limit: number | null): Promise<number> {
  if (limit !== null && amount > limit) throw new Refused(await currentUsed(tx, ref));
  const row = await tx
    .insertInto('billing_counters')
    .values({ feature: ref.feature, window_start: ref.windowStart, window_end: ref.windowEnd, used: Math.max(0, amount) })
    .onConflict((oc) => {
      const update = oc.columns(['tenant_id', 'feature', 'window_start']).doUpdateSet((eb) => ({ used: eb('billing_counters.used', '+', amount) }));
      return limit === null ? update : update.where('billing_counters.used', '<=', limit - amount);
    })
    .returning('used')
    .executeTakeFirst();
  if (!row) throw new Refused(await currentUsed(tx, ref));
  return Number(row.used);
}

/** True when some reservation of the feature has expired (its amount can be given back). */
async function hasExpired(scope: TenantScope, feature: string, now: number): Promise<boolean> {
  const row = await scope.selectFrom('billing_reservations').select('id').where('feature', '=', feature).where('expires_at', '<=', now).limit(1).executeTakeFirst();
  return row !== undefined;
}

interface Admission {
  request: ConsumeRequest;
  /** Runs in the transaction once the amount is admitted (ledger row, reservation row). */
  after: (tx: TenantScope, used: number) => Promise<void>;
  resolve(result: ConsumeResult): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 64;

export function createSqlBackend(scopeFor: (tenantId: string) => TenantScope): QuotaBackend {
  // Admissions to one counter queue up per process and are decided in batches, one transaction
  // each: a hot counter costs one commit (and one row-lock hand-over) per batch instead of per
  // call, and requests already answerable by a read (replays, a full counter) skip the write.
  const queues = new Map<string, Admission[]>();

  const admitBatch = async (batch: Admission[]): Promise<void> => {
    const first = batch[0]!.request;
    const scope = scopeFor(first.tenantId);
    const results: (ConsumeResult | undefined)[] = Array.from({ length: batch.length });
    // Reads answer replays and refusals; each answer holds at the instant of its read.
    const keys = batch.flatMap((item) => (item.request.idempotencyKey === undefined ? [] : [item.request.idempotencyKey]));
    const seen = new Set<string | null>();
    if (keys.length > 0) {
      for (const row of await scope.selectFrom('billing_usage').select('idempotency_key').where('idempotency_key', 'in', keys).execute()) seen.add(row.idempotency_key);
    }
    // Only a limit or a replay needs the usage before the write; an unlimited count skips the read.
    const needsRead = keys.length > 0 || batch.some((item) => item.request.limit !== null);
    const used = needsRead ? await currentUsed(scope, first) : 0;
    let expired: boolean | undefined;
    const pending: number[] = [];
    for (const [index, { request }] of batch.entries()) {
      if (request.idempotencyKey !== undefined && seen.has(request.idempotencyKey)) {
        results[index] = { admitted: true, used, replayed: true };
      } else if (request.limit !== null && used + request.amount > request.limit && !(expired ??= await hasExpired(scope, request.feature, request.now))) {
        results[index] = { admitted: false, used, replayed: false };
      } else {
        pending.push(index);
      }
    }
    try {
      if (pending.length > 0) {
        await scope.transaction(async (tx) => {
          // Keyed ledger rows first, in one statement: a key that is already there is a replay.
          const keyed = pending.filter((index) => batch[index]!.request.idempotencyKey !== undefined);
          const fresh = new Set<string>();
          if (keyed.length > 0) {
            const rows = await tx
              .insertInto('billing_usage')
              .values(keyed.map((index) => {
                const { request } = batch[index]!;
                return { id: ledgerId(), feature: request.feature, amount: request.amount, at: request.now, idempotency_key: request.idempotencyKey!, kind: 'consume', reported_at: null };
              }))
              .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
              .returning('idempotency_key')
              .execute();
            for (const row of rows) if (row.idempotency_key !== null) fresh.add(row.idempotency_key);
          }
          const claimed = new Set<string>();
          const admitting: number[] = [];
          for (const index of pending) {
            const key = batch[index]!.request.idempotencyKey;
            // A key twice in one batch: the first occurrence owns the ledger row, the rest replay.
            if (key !== undefined && (!fresh.has(key) || claimed.has(key))) results[index] = { admitted: true, used: -1, replayed: true };
            else {
              if (key !== undefined) claimed.add(key);
              admitting.push(index);
            }
          }
          // Optimistic: the whole batch in one conditional increment; item by item if it does not fit.
          const total = admitting.reduce((sum, index) => sum + batch[index]!.request.amount, 0);
          let admitted: number[] = [];
          let refused: number[] = [];
          let after = 0;
          const sameLimit = admitting.every((index) => batch[index]!.request.limit === first.limit);
          if (admitting.length > 0 && sameLimit) {
            try {
              after = await increment(tx, first, total, first.limit);
              admitted = admitting;
            } catch (error) {
              if (!(error instanceof Refused)) throw error;
            }
          }
          if (admitting.length > 0 && admitted.length === 0) {
            let swept = false;
            for (const index of admitting) {
              const { request } = batch[index]!;
              for (;;) {
                try {
                  after = await increment(tx, request, request.amount, request.limit);
                  admitted.push(index);
                  break;
                } catch (error) {
                  if (!(error instanceof Refused)) throw error;
                  after = error.used;
                  // Expired reservations only matter at the limit: give them back once, then retry.
                  if (!swept) {
                    swept = true;
                    if (await sweep(tx, request.feature, request.now)) continue;
                  }
                  refused.push(index);
                  break;
                }
              }
            }
          }
          // Usage after each admitted item, in batch order (the batch applied them in that order).
          let running = after - admitted.reduce((sum, index) => sum + batch[index]!.request.amount, 0);
          for (const index of admitted) {
            running += batch[index]!.request.amount;
            results[index] = { admitted: true, used: running, replayed: false };
          }
          for (const index of refused) results[index] = { admitted: false, used: after, replayed: false };
          const refusedKeys = refused.flatMap((index) => (batch[index]!.request.idempotencyKey === undefined ? [] : [batch[index]!.request.idempotencyKey!]));
          if (refusedKeys.length > 0) await tx.deleteFrom('billing_usage').where('idempotency_key', 'in', refusedKeys).execute();
          for (const index of admitted) await batch[index]!.after(tx, results[index]!.used);
          for (const index of pending) if (results[index]!.used === -1) results[index] = { admitted: true, used: after, replayed: true };
        });
      }
    } catch (error) {
      for (const index of pending) batch[index]!.reject(error);
      for (const [index, item] of batch.entries()) if (!pending.includes(index)) item.resolve(results[index]!);
      return;
    }
    for (const [index, item] of batch.entries()) item.resolve(results[index]!);
  };

  const drain = async (key: string): Promise<void> => {
    for (;;) {
      const queue = queues.get(key)!;
      if (queue.length === 0) {
        queues.delete(key);
        return;
      }
      const batch = queue.splice(0, MAX_BATCH);
      try {
        await admitBatch(batch);
      } catch (error) {
        for (const item of batch) item.reject(error); // a failed read: nothing was written
      }
    }
  };

  const admit = (request: ConsumeRequest, after: Admission['after']): Promise<ConsumeResult> =>
    new Promise((resolve, reject) => {
      const key = `${request.tenantId}\u0000${request.feature}\u0000${request.windowStart}`;
      const item = { request, after, resolve, reject };
      const queue = queues.get(key);
      if (queue) queue.push(item);
      else {
        queues.set(key, [item]);
        void drain(key);
      }
    });

  return {
    name: 'sql',
    async read(ref, now) {
      const scope = scopeFor(ref.tenantId);
      return scope.transaction(async (tx) => {
        await sweep(tx, ref.feature, now);
        return currentUsed(tx, ref);
      });
    },
    consume(request) {
      return admit(request, async (tx) => {
        if (request.idempotencyKey !== undefined) return;
        await tx
          .insertInto('billing_usage')
          .values({ id: ledgerId(), feature: request.feature, amount: request.amount, at: request.now, idempotency_key: null, kind: 'consume', reported_at: null })
          .execute();
      });
    },
    async reserve(request: ReserveRequest) {
      // A reservation is not usage: a keyed reservation keeps its key only to de-duplicate, and
      // the ledger row it wrote is removed; commit records the actual amount.
      return admit({ ...request, ...(request.idempotencyKey !== undefined && { idempotencyKey: `reserve:${request.idempotencyKey}` }) }, async (tx) => {
        await tx
          .insertInto('billing_reservations')
          .values({ id: request.reservationId, feature: request.feature, window_start: request.windowStart, window_end: request.windowEnd, amount: request.amount, expires_at: request.expiresAt })
          .execute();
        if (request.idempotencyKey !== undefined) {
          await tx.updateTable('billing_usage').set({ amount: 0, kind: 'reserve' }).where('idempotency_key', '=', `reserve:${request.idempotencyKey}`).execute();
        }
      });
    },
    async commit(request): Promise<CommitResult> {
      const scope = scopeFor(request.tenantId);
      try {
        return await scope.transaction(async (tx) => {
          const held = await tx
            .deleteFrom('billing_reservations')
            .where('id', '=', request.reservationId)
            .returning(['feature', 'window_start', 'window_end', 'amount', 'expires_at'])
            .executeTakeFirst();
          if (!held) return { status: 'gone' } as const;
          const ref: CounterRef = { tenantId: request.tenantId, feature: held.feature, windowStart: Number(held.window_start), windowEnd: Number(held.window_end) };
          const amount = Number(held.amount);
          if (Number(held.expires_at) <= request.now) {
            await tx.updateTable('billing_counters').set((eb) => ({ used: eb('used', '-', amount) })).where('feature', '=', ref.feature).where('window_start', '=', ref.windowStart).execute();
            return { status: 'gone' } as const;
          }
          const extra = request.actual - amount;
          let used: number;
          if (extra > 0) {
            try {
              used = await increment(tx, ref, extra, request.limit);
            } catch (error) {
              if (error instanceof Refused) throw new OverLimit(error.used, ref.feature);
              throw error;
            }
          } else {
            used = await increment(tx, ref, extra, null);
          }
          if (request.actual > 0) {
            await tx
              .insertInto('billing_usage')
              .values({ id: ledgerId(), feature: ref.feature, amount: request.actual, at: request.now, idempotency_key: `reservation:${request.reservationId}`, kind: 'commit', reported_at: null })
              .execute();
          }
          return { status: 'committed', used, feature: ref.feature } as const;
        });
      } catch (error) {
        if (error instanceof OverLimit) return { status: 'over_limit', used: error.used, feature: error.feature };
        if (isUniqueViolation(error)) return { status: 'gone' };
        throw error;
      }
    },
    async release(tenantId, reservationId, now) {
      return scopeFor(tenantId).transaction(async (tx) => {
        const held = await tx.deleteFrom('billing_reservations').where('id', '=', reservationId).returning(['feature', 'window_start', 'amount', 'expires_at']).executeTakeFirst();
        if (!held) return false;
        await tx
          .updateTable('billing_counters')
          .set((eb) => ({ used: eb('used', '-', Number(held.amount)) }))
          .where('feature', '=', held.feature)
          .where('window_start', '=', Number(held.window_start))
          .execute();
        return Number(held.expires_at) > now;
      });
    },
    async rate(request) {
      const T = request.intervalMs;
      const tau = request.burst * T;
      const { now } = request;
      return scopeFor(request.tenantId).transaction(async (tx) => {
        await tx.insertInto('billing_rates').values({ key: request.key, tat: now }).onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing()).execute();
        // GCRA as one conditional update: tat' = max(tat, now) + T, allowed if tat' - now <= tau.
        const row = await tx
          .updateTable('billing_rates')
          .set((eb) => ({ tat: eb.case().when('tat', '>', now).then(eb('tat', '+', T)).else(now + T).end() }))
          .where('key', '=', request.key)
          // max(tat, now) + T - now <= tau  <=>  tat <= now + tau - T  (as tau >= T)
          .where('tat', '<=', now + tau - T)
          .returning('tat')
          .executeTakeFirst();
        if (row) return { allowed: true, remaining: Math.floor((now + tau - Number(row.tat)) / T), retryAfterMs: 0 };
        const current = await tx.selectFrom('billing_rates').select('tat').where('key', '=', request.key).executeTakeFirstOrThrow();
        return { allowed: false, remaining: 0, retryAfterMs: Math.max(0, Number(current.tat) + T - tau - now) };
      });
    },
    async usage(tenantId, query = {}) {
      let select = scopeFor(tenantId).selectFrom('billing_usage').selectAll().where('kind', '!=', 'reserve').orderBy('at').orderBy('id');
      if (query.feature !== undefined) select = select.where('feature', '=', query.feature);
      if (query.from !== undefined) select = select.where('at', '>=', query.from);
      if (query.to !== undefined) select = select.where('at', '<', query.to);
      if (query.limit !== undefined) select = select.limit(query.limit);
      const rows = await select.execute();
      return rows.map(
        (row): UsageRecord => ({
          id: row.id,
          tenantId,
          feature: row.feature,
          amount: Number(row.amount),
          at: Number(row.at),
          idempotencyKey: row.idempotency_key,
          kind: row.kind === 'commit' ? 'commit' : 'consume',
        }),
      );
    },
    async unreported(tenantId, features, limit) {
      if (features.length === 0) return [];
      const rows = await scopeFor(tenantId)
        .selectFrom('billing_usage')
        .selectAll()
        .where('reported_at', 'is', null)
        .where('kind', '!=', 'reserve')
        .where('feature', 'in', [...features])
        .orderBy('at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row): UsageRecord => ({ id: row.id, tenantId, feature: row.feature, amount: Number(row.amount), at: Number(row.at), idempotencyKey: row.idempotency_key, kind: row.kind === 'commit' ? 'commit' : 'consume' }));
    },
    async markReported(tenantId, ids, now) {
      if (ids.length === 0) return;
      await scopeFor(tenantId).updateTable('billing_usage').set({ reported_at: now }).where('id', 'in', [...ids]).execute();
    },
    async close() {},
  };
}

class OverLimit extends Error {
  constructor(
    readonly used: number,
    readonly feature: string,
  ) {
    super('over limit');
  }
}
