// The audit log: append, read, verify, export and prune a tenant's hash-chained entries.
import { z } from 'zod';
import { isPlainObject } from '../../shared/validation.js';
import { parseWith } from '../validation.js';
import { genesisHash, hashEntry, verifyChain, type AuditEntry, type ChainPoint, type VerifyResult } from './chain.js';
import { csvHeader, csvRow } from './export.js';
import type { AuditStore } from './store.js';

export const auditEventSchema = z.strictObject({
  actorId: z.string().min(1).max(256),
  action: z.string().min(1).max(128),
  resource: z.string().max(512).nullable().default(null),
  // A plain-object check, not z.record: its values are not validated one by one anyway, and every
  // AI call's entry passes here (the JSON round trip in prepare() copies and normalises the data).
  data: z.custom<Record<string, unknown>>(isPlainObject, { error: 'expected an object' }).default({}),
});

export type AuditEvent = z.input<typeof auditEventSchema>;

export const retentionSchema = z.union([
  z.strictObject({ before: z.date() }),
  z.strictObject({ keepLast: z.number().int().min(0) }),
]);

export type Retention = z.infer<typeof retentionSchema>;

export interface AuditLog {
  append(tenantId: string, event: AuditEvent): Promise<AuditEntry>;
  /** Appends the events in order as consecutive entries, in one write when the store allows it. */
  appendMany(tenantId: string, events: readonly AuditEvent[]): Promise<AuditEntry[]>;
  list(tenantId: string, options?: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  verify(tenantId: string): Promise<VerifyResult>;
  /** Lines of JSONL or CSV (header first), read page by page. */
  export(tenantId: string, format: 'jsonl' | 'csv'): AsyncGenerator<string>;
  /** Drops old entries, keeping the last dropped entry's hash as the anchor verify() starts from. */
  prune(tenantId: string, retention: Retention): Promise<{ pruned: number }>;
}

export interface AuditLogOptions {
  store: AuditStore;
  now?: () => Date;
  /** Entries read per page by verify, export and prune. */
  pageSize?: number;
}

/** An event as it will be stored, without its place in the chain. */
const prepare = (input: AuditEvent) => {
  const event = parseWith(auditEventSchema, input, 'audit event');
  // Round-trip through JSON so what is hashed is exactly what storage will give back.
  const data = JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>;
  return { actorId: event.actorId, action: event.action, resource: event.resource, data };
};

/** The entry after `head` (a store may call this again on a newer head). */
const link = (tenantId: string, at: string, event: ReturnType<typeof prepare>, head: ChainPoint | null): AuditEntry => {
  const record = { tenantId, seq: (head?.seq ?? 0) + 1, at, ...event };
  const prevHash = head?.hash ?? genesisHash;
  return { ...record, prevHash, hash: hashEntry(prevHash, record) };
};

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 1000;

  async function* pages(tenantId: string): AsyncGenerator<AuditEntry[]> {
    let afterSeq: number | undefined;
    for (;;) {
      const page = await store.list(tenantId, { ...(afterSeq === undefined ? {} : { afterSeq }), limit: pageSize });
      if (page.length) yield page;
      if (page.length < pageSize) return;
      afterSeq = (page.at(-1) as AuditEntry).seq;
    }
  }


  return {
    async append(tenantId, input) {
      const event = prepare(input);
      const at = now().toISOString();
      return store.append(tenantId, (head) => link(tenantId, at, event, head));
    },
    async appendMany(tenantId, inputs) {
      const events = inputs.map(prepare);
      if (events.length === 0) return [];
      const at = now().toISOString();
      if (!store.appendMany) {
        const appended: AuditEntry[] = [];
        for (const event of events) appended.push(await store.append(tenantId, (head) => link(tenantId, at, event, head)));
        return appended;
      }
      return store.appendMany(tenantId, (head) => {
        const entries: AuditEntry[] = [];
        let previous = head;
        for (const event of events) {
          const entry = link(tenantId, at, event, previous);
          entries.push(entry);
          previous = { seq: entry.seq, hash: entry.hash };
        }
        return entries;
      });
    },
    list: (tenantId, listOptions) => store.list(tenantId, listOptions),
    async verify(tenantId) {
      // Holds the whole chain: verification needs every link, and lookups across it locate moves.
      const entries: AuditEntry[] = [];
      for await (const page of pages(tenantId)) entries.push(...page);
      const [anchor, head] = await Promise.all([store.anchor(tenantId), store.head(tenantId)]);
      return verifyChain(entries, anchor, head);
    },
    async *export(tenantId, format) {
      if (format === 'csv') yield csvHeader;
      for await (const page of pages(tenantId)) {
        for (const entry of page) yield format === 'csv' ? csvRow(entry) : JSON.stringify(entry);
      }
    },
    async prune(tenantId, input) {
      const retention = parseWith(retentionSchema, input, 'retention');
      let last: AuditEntry | undefined;
      if ('keepLast' in retention) {
        const head = await store.head(tenantId);
        const throughSeq = (head?.seq ?? 0) - retention.keepLast;
        if (throughSeq <= 0) return { pruned: 0 };
        [last] = await store.list(tenantId, { afterSeq: throughSeq - 1, limit: 1 });
      } else {
        const cutoff = retention.before.toISOString();
        for await (const page of pages(tenantId)) {
          const older = page.filter((entry) => entry.at < cutoff);
          if (older.length) last = older.at(-1);
          if (older.length < page.length) break;
        }
      }
      if (!last) return { pruned: 0 };
      return { pruned: await store.prune(tenantId, { seq: last.seq, hash: last.hash }) };
    },
  };
}
