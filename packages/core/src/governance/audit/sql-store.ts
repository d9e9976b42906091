// The audit chain in SQL. Appends read the head, insert the entry (or a batch of entries) and move
// the head in one transaction; the primary key (tenant_id, seq) makes a concurrent append of the same sequence
// fail, and it is retried on the new head.
import { isUniqueViolation, json, type AuditEntriesTable } from '../../storage/index.js';
import type { ScopeProvider } from '../scope-provider.js';
import type { AuditEntry, ChainPoint } from './chain.js';
import type { AuditStore } from './store.js';

class HeadMoved extends Error {}

/** Rows per INSERT: well under every dialect's bound-parameter limit. */
const INSERT_CHUNK = 200;

const toEntry = (row: AuditEntriesTable): AuditEntry => ({
  tenantId: row.tenant_id,
  seq: Number(row.seq),
  at: row.at,
  actorId: row.actor_id,
  action: row.action,
  resource: row.resource,
  data: json.parse<Record<string, unknown>>(row.data),
  prevHash: row.prev_hash,
  hash: row.hash,
});

export function createSqlAuditStore(scopeFor: ScopeProvider): AuditStore {
  /** Reads the head, inserts what `build` chains from it, moves the head; retried on a moved head. */
  async function appendEntries(tenantId: string, build: (head: ChainPoint | null) => AuditEntry[]): Promise<AuditEntry[]> {
    const scope = scopeFor(tenantId);
    for (let attempt = 0; ; attempt++) {
      try {
        return await scope.transaction(async (tx) => {
          const chain = await tx.selectFrom('audit_chains').select(['head_seq', 'head_hash']).executeTakeFirst();
          const head = chain ? { seq: Number(chain.head_seq), hash: chain.head_hash } : null;
          const entries = build(head);
          const last = entries.at(-1);
          if (!last) return entries;
          for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
            await tx
              .insertInto('audit_entries')
              .values(
                entries.slice(start, start + INSERT_CHUNK).map((entry) => ({
                  seq: entry.seq,
                  at: entry.at,
                  actor_id: entry.actorId,
                  action: entry.action,
                  resource: entry.resource,
                  data: json.stringify(entry.data),
                  prev_hash: entry.prevHash,
                  hash: entry.hash,
                })),
              )
              .execute();
          }
          if (head) {
            const moved = await tx.updateTable('audit_chains').set({ head_seq: last.seq, head_hash: last.hash }).where('head_seq', '=', head.seq).executeTakeFirst();
            if (Number(moved.numUpdatedRows) !== 1) throw new HeadMoved();
          } else {
            await tx.insertInto('audit_chains').values({ head_seq: last.seq, head_hash: last.hash, anchor_seq: null, anchor_hash: null }).execute();
          }
          return entries;
        });
      } catch (error) {
        if (attempt < 20 && (error instanceof HeadMoved || isUniqueViolation(error))) continue;
        throw error;
      }
    }
  }

  return {
    async append(tenantId, build) {
      const [entry] = await appendEntries(tenantId, (head) => [build(head)]);
      return entry!;
    },
    appendMany: appendEntries,
    async list(tenantId, options = {}) {
      let query = scopeFor(tenantId).selectFrom('audit_entries').selectAll().orderBy('seq');
      if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
      if (options.limit !== undefined) query = query.limit(options.limit);
      return (await query.execute()).map(toEntry);
    },
    async head(tenantId) {
      const row = await scopeFor(tenantId).selectFrom('audit_chains').select(['head_seq', 'head_hash']).executeTakeFirst();
      return row ? { seq: Number(row.head_seq), hash: row.head_hash } : null;
    },
    async anchor(tenantId) {
      const row = await scopeFor(tenantId).selectFrom('audit_chains').select(['anchor_seq', 'anchor_hash']).executeTakeFirst();
      return row && row.anchor_seq !== null && row.anchor_hash !== null ? { seq: Number(row.anchor_seq), hash: row.anchor_hash } : null;
    },
    async prune(tenantId, anchor: ChainPoint) {
      return scopeFor(tenantId).transaction(async (tx) => {
        const deleted = await tx.deleteFrom('audit_entries').where('seq', '<=', anchor.seq).executeTakeFirst();
        await tx.updateTable('audit_chains').set({ anchor_seq: anchor.seq, anchor_hash: anchor.hash }).execute();
        return Number(deleted.numDeletedRows);
      });
    },
  };
}
