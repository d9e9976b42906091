// Approval requests in SQL; updates check the version they read (optimistic concurrency).
import { json, type ApprovalsTable } from '../../storage/index.js';
import type { ScopeProvider } from '../scope-provider.js';
import type { ApprovalRecord, ApprovalStatus, ApprovalStore } from './approvals.js';

const toRecord = (row: ApprovalsTable): ApprovalRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  chainId: row.chain_id,
  status: row.status as ApprovalStatus,
  requesterId: row.requester_id,
  subject: json.parse<Record<string, unknown>>(row.subject),
  snapshot: json.parse<unknown>(row.snapshot),
  nextTimerAt: row.next_timer_at === null ? null : Number(row.next_timer_at),
  key: row.request_key,
  undeliveredSince: row.undelivered_since === null ? null : Number(row.undelivered_since),
  version: Number(row.version),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

export function createSqlApprovalStore(scopeFor: ScopeProvider): ApprovalStore {
  return {
    async insert(record) {
      await scopeFor(record.tenantId)
        .insertInto('approvals')
        .values({
          id: record.id,
          chain_id: record.chainId,
          status: record.status,
          requester_id: record.requesterId,
          subject: json.stringify(record.subject),
          snapshot: json.stringify(record.snapshot),
          next_timer_at: record.nextTimerAt,
          request_key: record.key,
          undelivered_since: record.undeliveredSince,
          version: record.version,
          created_at: record.createdAt,
          updated_at: record.updatedAt,
        })
        .execute();
    },
    async get(tenantId, id) {
      const row = await scopeFor(tenantId).selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async update(record, expectedVersion) {
      const result = await scopeFor(record.tenantId)
        .updateTable('approvals')
        .set({
          status: record.status,
          snapshot: json.stringify(record.snapshot),
          next_timer_at: record.nextTimerAt,
          undelivered_since: record.undeliveredSince,
          version: record.version,
          updated_at: record.updatedAt,
        })
        .where('id', '=', record.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async list(tenantId, options = {}) {
      let query = scopeFor(tenantId).selectFrom('approvals').selectAll().orderBy('created_at').orderBy('id');
      if (options.status) query = query.where('status', '=', options.status);
      return (await query.execute()).map(toRecord);
    },
    async findByKey(tenantId, key, requesterId) {
      const row = await scopeFor(tenantId)
        .selectFrom('approvals')
        .selectAll()
        .where('request_key', '=', key)
        .where('requester_id', '=', requesterId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async due(tenantId, now, limit) {
      const rows = await scopeFor(tenantId)
        .selectFrom('approvals')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_timer_at', 'is not', null)
        .where('next_timer_at', '<=', now)
        .orderBy('next_timer_at')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async undelivered(tenantId, before, limit) {
      const rows = await scopeFor(tenantId)
        .selectFrom('approvals')
        .selectAll()
        .where('undelivered_since', 'is not', null)
        .where('undelivered_since', '<=', before)
        .orderBy('undelivered_since')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async markDelivered(tenantId, id) {
      await scopeFor(tenantId).updateTable('approvals').set({ undelivered_since: null }).where('id', '=', id).execute();
    },
  };
}
