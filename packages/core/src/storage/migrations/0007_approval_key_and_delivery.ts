// Approvals: the requester's own key for a request (the `approval.request` step's
// `<runId>:<stepId>`), so a step finds the request it made through an index instead of reading
// every approval of its tenant (requests made before carry that key in their subject); and when a
// final decision is still to be delivered to the `onDecided` listeners (the engine's wake-up of the
// waiting run), saved with the decision so a process that stops in between leaves it to redeliver.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

interface ApprovalRows {
  approvals: { tenant_id: string; id: string; subject: string; request_key: string | null };
}

/** The subject field the `approval.request` step has always written its key to. */
const STEP_KEY_FIELD = 'workflowStep';

export const approvalKeyAndDelivery: AuterityMigration = {
  name: '0007_approval_key_and_delivery',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('approvals').addColumn('request_key', 'text').execute();
    await db.schema.createIndex('approvals_request_key_idx').on('approvals').columns(['tenant_id', 'request_key']).execute();
    await db.schema.alterTable('approvals').addColumn('undelivered_since', 'bigint').execute();
    await db.schema.createIndex('approvals_undelivered_idx').on('approvals').columns(['tenant_id', 'undelivered_since']).execute();
    const rows = db as unknown as Kysely<ApprovalRows>;
    for (const row of await rows.selectFrom('approvals').select(['tenant_id', 'id', 'subject']).execute()) {
      let key: unknown;
      try {
        key = (JSON.parse(row.subject) as Record<string, unknown> | null)?.[STEP_KEY_FIELD];
      } catch {
        continue;
      }
      if (typeof key !== 'string') continue;
      await rows.updateTable('approvals').set({ request_key: key }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).execute();
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('approvals_undelivered_idx').execute();
    await db.schema.alterTable('approvals').dropColumn('undelivered_since').execute();
    await db.schema.dropIndex('approvals_request_key_idx').execute();
    await db.schema.alterTable('approvals').dropColumn('request_key').execute();
  },
};
