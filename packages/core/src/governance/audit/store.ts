// Persistence of the chain. `append` must be atomic per tenant: it reads the head, lets the caller
// build the next entry from it, and stores entry and new head together (or not at all).
import type { AuditEntry, ChainPoint } from './chain.js';

export interface AuditStore {
  append(tenantId: string, build: (head: ChainPoint | null) => AuditEntry): Promise<AuditEntry>;
  /**
   * Like `append` for several entries at once: reads the head once, stores the entries `build`
   * chains from it and moves the head once, atomically. Optional: without it they are appended
   * one by one.
   */
  appendMany?(tenantId: string, build: (head: ChainPoint | null) => AuditEntry[]): Promise<AuditEntry[]>;
  /** Entries in sequence order (by the stored `seq`), after `afterSeq`, at most `limit`. */
  list(tenantId: string, options?: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  head(tenantId: string): Promise<ChainPoint | null>;
  /** The last pruned entry, where verification starts; `null` when nothing was pruned. */
  anchor(tenantId: string): Promise<ChainPoint | null>;
  /** Deletes entries up to and including `anchor.seq` and records `anchor`, atomically. */
  prune(tenantId: string, anchor: ChainPoint): Promise<number>;
}

/** In-process store for tests and single-process embedding without a database. */
export function createMemoryAuditStore(): AuditStore & { rows(tenantId: string): AuditEntry[] } {
  const entries = new Map<string, AuditEntry[]>();
  const heads = new Map<string, ChainPoint>();
  const anchors = new Map<string, ChainPoint>();
  const rows = (tenantId: string) => {
    let list = entries.get(tenantId);
    if (!list) entries.set(tenantId, (list = []));
    return list;
  };
  return {
    // Exposed so tests can tamper with the stored rows directly.
    rows,
    async append(tenantId, build) {
      const entry = build(heads.get(tenantId) ?? null);
      rows(tenantId).push(entry);
      heads.set(tenantId, { seq: entry.seq, hash: entry.hash });
      return structuredClone(entry);
    },
    async appendMany(tenantId, build) {
      const built = build(heads.get(tenantId) ?? null);
      const last = built.at(-1);
      if (!last) return [];
      rows(tenantId).push(...built);
      heads.set(tenantId, { seq: last.seq, hash: last.hash });
      return structuredClone(built);
    },
    async list(tenantId, options = {}) {
      const after = options.afterSeq ?? Number.NEGATIVE_INFINITY;
      const sorted = rows(tenantId)
        .filter((entry) => entry.seq > after)
        .sort((a, b) => a.seq - b.seq);
      return structuredClone(options.limit === undefined ? sorted : sorted.slice(0, options.limit));
    },
    async head(tenantId) {
      return heads.get(tenantId) ?? null;
    },
    async anchor(tenantId) {
      return anchors.get(tenantId) ?? null;
    },
    async prune(tenantId, anchor) {
      const list = rows(tenantId);
      const kept = list.filter((entry) => entry.seq > anchor.seq);
      entries.set(tenantId, kept);
      anchors.set(tenantId, anchor);
      return list.length - kept.length;
    },
  };
}
