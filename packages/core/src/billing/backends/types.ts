// The contract every quota backend (memory, SQL, Redis) implements. Each operation is atomic on its
// own: the backend, not the caller, decides admission, so N concurrent callers against a limit of
// N admit exactly N whatever the interleaving.

/** One usage counter: a tenant's feature within one window. */
export interface CounterRef {
  tenantId: string;
  feature: string;
  /** Epoch ms: start of the window (0 for counters that never reset). */
  windowStart: number;
  /** Epoch ms: when the window ends (the counter may be dropped afterwards). */
  windowEnd: number;
}

export interface ConsumeRequest extends CounterRef {
  amount: number;
  /** Admission ceiling; null admits everything (unlimited, or an overage policy that bills/warns). */
  limit: number | null;
  now: number;
  /** A replay of a key already admitted counts once and reports `replayed`. */
  idempotencyKey?: string;
}

export interface ConsumeResult {
  admitted: boolean;
  /** Usage in the window after the call (or as it stands, when refused or replayed). */
  used: number;
  replayed: boolean;
}

export interface ReserveRequest extends ConsumeRequest {
  reservationId: string;
  expiresAt: number;
}

export interface CommitRequest {
  tenantId: string;
  reservationId: string;
  actual: number;
  /** Ceiling for any amount beyond the reservation. */
  limit: number | null;
  now: number;
}

export type CommitResult =
  | { status: 'committed'; used: number; feature: string }
  /** Unknown, already settled, or expired (its amount was given back). */
  | { status: 'gone' }
  /** `actual` exceeds the reservation and the extra does not fit the limit; nothing changed. */
  | { status: 'over_limit'; used: number; feature: string };

export interface RateRequest {
  tenantId: string;
  /** The limited subject: the feature, and the API key for per-key limits. */
  key: string;
  /** GCRA emission interval: ms between requests at the sustained rate. */
  intervalMs: number;
  /** Requests allowed at once above the sustained rate (>= 1). */
  burst: number;
  now: number;
}

export interface RateResult {
  allowed: boolean;
  /** Requests that could be made right now. */
  remaining: number;
  /** When the next request would be allowed (0 if allowed now). */
  retryAfterMs: number;
}

export interface UsageRecord {
  id: string;
  tenantId: string;
  feature: string;
  amount: number;
  /** Epoch ms. */
  at: number;
  idempotencyKey: string | null;
  kind: 'consume' | 'commit';
}

export interface UsageQuery {
  feature?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit?: number;
}

export interface QuotaBackend {
  readonly name: 'memory' | 'sql' | 'redis';
  /** Current usage of a counter, after giving back the amounts of expired reservations. */
  read(ref: CounterRef, now: number): Promise<number>;
  consume(request: ConsumeRequest): Promise<ConsumeResult>;
  /** Holds `amount` against the limit until commit, release or `expiresAt`. */
  reserve(request: ReserveRequest): Promise<ConsumeResult>;
  commit(request: CommitRequest): Promise<CommitResult>;
  /** Gives the reserved amount back; false when the reservation was already settled or expired. */
  release(tenantId: string, reservationId: string, now: number): Promise<boolean>;
  rate(request: RateRequest): Promise<RateResult>;
  /** The usage ledger: every admitted consume and commit, oldest first. */
  usage(tenantId: string, query?: UsageQuery): Promise<UsageRecord[]>;
  /** Ledger records of `features` not yet acknowledged by the payment provider, oldest first. */
  unreported(tenantId: string, features: readonly string[], limit: number): Promise<UsageRecord[]>;
  /**
   * Marks records (returned by the last `unreported` call) acknowledged. A backend may keep a cursor
   * instead of per-record flags; then it stops at the first unacknowledged record, which is sent
   * again next time (the provider de-duplicates by record id).
   */
  markReported(tenantId: string, ids: readonly string[], now: number): Promise<void>;
  close(): Promise<void>;
}
