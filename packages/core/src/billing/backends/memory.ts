// In-process backend: a single event loop makes each method atomic. For tests, the embedded demo
// and single-process hosts; state is lost on restart.
import { ledgerId } from '../ledger/ids.js';
import { gcra } from './gcra.js';
import type { CommitRequest, CommitResult, ConsumeRequest, ConsumeResult, CounterRef, QuotaBackend, RateRequest, RateResult, ReserveRequest, UsageQuery, UsageRecord } from './types.js';

interface Reservation {
  ref: CounterRef;
  amount: number;
  expiresAt: number;
}

const counterKey = (ref: CounterRef) => `${ref.tenantId}\u0000${ref.feature}\u0000${ref.windowStart}`;

export function createMemoryBackend(): QuotaBackend {
  const counters = new Map<string, { used: number; windowEnd: number }>();
  const reservations = new Map<string, Map<string, Reservation>>();
  const idempotency = new Map<string, Set<string>>();
  const ledger = new Map<string, UsageRecord[]>();
  const rates = new Map<string, number>();
  const reported = new Set<string>();

  const used = (ref: CounterRef) => counters.get(counterKey(ref))?.used ?? 0;
  const add = (ref: CounterRef, amount: number) => {
    const key = counterKey(ref);
    if (!counters.has(key) && counters.size > 10_000) {
      // Counters of windows that ended more than a day ago are never read again.
      const horizon = Date.now() - 86_400_000;
      for (const [k, counter] of counters) if (counter.windowEnd < horizon) counters.delete(k);
    }
    const counter = counters.get(key) ?? { used: 0, windowEnd: ref.windowEnd };
    counter.used = Math.max(0, counter.used + amount);
    counters.set(key, counter);
    return counter.used;
  };
  const sweep = (tenantId: string, now: number) => {
    const mine = reservations.get(tenantId);
    if (!mine) return;
    for (const [id, reservation] of mine) {
      if (reservation.expiresAt <= now) {
        mine.delete(id);
        add(reservation.ref, -reservation.amount);
      }
    }
  };
  const record = (tenantId: string, feature: string, amount: number, at: number, idempotencyKey: string | null, kind: UsageRecord['kind']) => {
    const list = ledger.get(tenantId) ?? [];
    list.push({ id: ledgerId(), tenantId, feature, amount, at, idempotencyKey, kind });
    ledger.set(tenantId, list);
  };
  const admit = (request: ConsumeRequest): ConsumeResult | undefined => {
    sweep(request.tenantId, request.now);
    const keys = idempotency.get(request.tenantId) ?? new Set<string>();
    idempotency.set(request.tenantId, keys);
    if (request.idempotencyKey !== undefined && keys.has(request.idempotencyKey)) return { admitted: true, used: used(request), replayed: true };
    if (request.limit !== null && used(request) + request.amount > request.limit) return { admitted: false, used: used(request), replayed: false };
    if (request.idempotencyKey !== undefined) keys.add(request.idempotencyKey);
    return undefined;
  };

  return {
    name: 'memory',
    async read(ref, now) {
      sweep(ref.tenantId, now);
      return used(ref);
    },
    async consume(request) {
      const early = admit(request);
      if (early) return early;
      const after = add(request, request.amount);
      record(request.tenantId, request.feature, request.amount, request.now, request.idempotencyKey ?? null, 'consume');
      return { admitted: true, used: after, replayed: false };
    },
    async reserve(request: ReserveRequest) {
      // Reservation keys live apart from consume keys, as on the other backends.
      const early = admit({ ...request, ...(request.idempotencyKey !== undefined && { idempotencyKey: `reserve:${request.idempotencyKey}` }) });
      if (early) return early;
      const after = add(request, request.amount);
      const mine = reservations.get(request.tenantId) ?? new Map<string, Reservation>();
      reservations.set(request.tenantId, mine);
      const { tenantId, feature, windowStart, windowEnd } = request;
      mine.set(request.reservationId, { ref: { tenantId, feature, windowStart, windowEnd }, amount: request.amount, expiresAt: request.expiresAt });
      return { admitted: true, used: after, replayed: false };
    },
    async commit(request: CommitRequest): Promise<CommitResult> {
      sweep(request.tenantId, request.now);
      const mine = reservations.get(request.tenantId);
      const reservation = mine?.get(request.reservationId);
      if (!mine || !reservation) return { status: 'gone' };
      const extra = request.actual - reservation.amount;
      const feature = reservation.ref.feature;
      if (extra > 0 && request.limit !== null && used(reservation.ref) + extra > request.limit) return { status: 'over_limit', used: used(reservation.ref), feature };
      mine.delete(request.reservationId);
      const after = add(reservation.ref, extra);
      if (request.actual > 0) record(request.tenantId, feature, request.actual, request.now, `reservation:${request.reservationId}`, 'commit');
      return { status: 'committed', used: after, feature };
    },
    async release(tenantId, reservationId, now) {
      sweep(tenantId, now);
      const reservation = reservations.get(tenantId)?.get(reservationId);
      if (!reservation) return false;
      reservations.get(tenantId)?.delete(reservationId);
      add(reservation.ref, -reservation.amount);
      return true;
    },
    async rate(request: RateRequest): Promise<RateResult> {
      const key = `${request.tenantId}\u0000${request.key}`;
      const { result, tat } = gcra(rates.get(key), request.now, request.intervalMs, request.burst);
      if (tat !== undefined) rates.set(key, tat);
      return result;
    },
    async usage(tenantId, query: UsageQuery = {}) {
      const rows = (ledger.get(tenantId) ?? []).filter(
        (row) => (query.feature === undefined || row.feature === query.feature) && (query.from === undefined || row.at >= query.from) && (query.to === undefined || row.at < query.to),
      );
      return query.limit === undefined ? rows : rows.slice(0, query.limit);
    },
    async unreported(tenantId, features, limit) {
      return (ledger.get(tenantId) ?? []).filter((row) => !reported.has(row.id) && features.includes(row.feature)).slice(0, limit);
    },
    async markReported(_tenantId, ids) {
      for (const id of ids) reported.add(id);
    },
    async close() {},
  };
}
