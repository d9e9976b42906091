// The per-tenant hash chain: entry n stores hash_n = SHA-256(hash_{n-1} + canonicalJson(entry_n)).
// Changing, removing, adding or moving any entry breaks a link that verify() reports by sequence.
import { sha256Hex } from '../../shared/hash.js';
import { canonicalJson } from './canonical-json.js';

export const genesisHash = '0'.repeat(64);

/** What an entry says; everything here is covered by its hash. */
export interface AuditRecord {
  tenantId: string;
  seq: number;
  /** ISO-8601 time of the append. */
  at: string;
  actorId: string;
  /** What happened, `domain.verb`: `policy.put`, `authorization.denied`, `approval.approved`. */
  action: string;
  resource: string | null;
  data: Record<string, unknown>;
}

export interface AuditEntry extends AuditRecord {
  prevHash: string;
  hash: string;
}

/** The last entry of a tenant's chain, or the last pruned one (the anchor verification starts at). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

export function hashEntry(prevHash: string, record: AuditRecord): string {
  const { tenantId, seq, at, actorId, action, resource, data } = record;
  return sha256Hex(prevHash + canonicalJson({ tenantId, seq, at, actorId, action, resource, data }));
}

export type TamperKind = 'edited' | 'deleted' | 'inserted' | 'reordered';

export type VerifyResult =
  | { ok: true; checked: number; head: ChainPoint | null; anchor: ChainPoint | null }
  | { ok: false; kind: TamperKind; seq: number; message: string; checked: number };

const fail = (kind: TamperKind, seq: number, message: string, checked: number): VerifyResult => ({ ok: false, kind, seq, message, checked });

/**
 * Walks entries in sequence order from the anchor (the last pruned entry, or genesis) and checks
 * numbering, links and hashes, then that the chain ends at the recorded head.
 */
export function verifyChain(entries: readonly AuditEntry[], anchor: ChainPoint | null, head: ChainPoint | null): VerifyResult {
  const hashes = new Map<string, number>();
  entries.forEach((entry, index) => hashes.set(entry.hash, index));
  let expectedSeq = (anchor?.seq ?? 0) + 1;
  let expectedPrev = anchor?.hash ?? genesisHash;

  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as AuditEntry;
    if (entry.seq < expectedSeq) return fail('inserted', entry.seq, `a second entry numbered ${entry.seq} was added`, index);
    if (entry.seq > expectedSeq) return fail('deleted', expectedSeq, `entry ${expectedSeq} is missing`, index);
    if (head && entry.seq > head.seq) return fail('inserted', entry.seq, `entry ${entry.seq} lies beyond the recorded head ${head.seq}`, index);
    if (entry.prevHash !== expectedPrev) {
      const linked = hashes.get(entry.prevHash);
      if (linked !== undefined && linked > index) {
        return fail('reordered', entry.seq, `entry ${entry.seq} belongs after entry ${entries[linked]?.seq}`, index);
      }
      if (linked !== undefined && linked < index - 1) {
        const from = (entries[linked] as AuditEntry).seq + 1;
        return fail('inserted', from, `entries ${from}..${entry.seq - 1} were inserted before entry ${entry.seq}`, index);
      }
      if (entry.prevHash === anchor?.hash && index > 0) {
        return fail('inserted', expectedSeq - index, `entries were inserted before entry ${entry.seq}`, index);
      }
      // An intact entry whose predecessor is unknown: that predecessor was rewritten in place. An
      // entry that is itself inconsistent was renumbered to close the gap of a deleted one.
      if (index > 0 && hashEntry(entry.prevHash, entry) === entry.hash) {
        return fail('edited', expectedSeq - 1, `entry ${expectedSeq - 1} was replaced (its hash was recomputed)`, index);
      }
      return fail('deleted', entry.seq, `the entry before ${entry.seq} was removed`, index);
    }
    if (hashEntry(entry.prevHash, entry) !== entry.hash) {
      // If the next entry links straight to this one's predecessor, this one was slipped in between.
      if (entries[index + 1]?.prevHash === expectedPrev) return fail('inserted', entry.seq, `entry ${entry.seq} was inserted`, index);
      return fail('edited', entry.seq, `entry ${entry.seq} was changed after it was written`, index);
    }
    expectedSeq++;
    expectedPrev = entry.hash;
  }

  const last: ChainPoint | null = entries.length ? { seq: expectedSeq - 1, hash: expectedPrev } : anchor;
  if (head) {
    if (!last || last.seq < head.seq) return fail('deleted', (last?.seq ?? 0) + 1, `entries after ${last?.seq ?? 0} up to ${head.seq} are missing`, entries.length);
    if (last.seq > head.seq) return fail('inserted', head.seq + 1, `entries after the recorded head ${head.seq} were added`, entries.length);
    if (last.hash !== head.hash) return fail('edited', last.seq, `entry ${last.seq} does not match the recorded head`, entries.length);
  } else if (entries.length) {
    return fail('inserted', (entries[0] as AuditEntry).seq, 'entries exist but no append was recorded', entries.length);
  }
  return { ok: true, checked: entries.length, head: last, anchor };
}
