// Workflows: who started a run. A tenant handle's `workflows.start` records its actor id; runs
// started by webhooks, cron, events and sub-workflows keep null (the system principal). The
// `approval.request` step names this actor as the requester, so it must survive restarts and be
// the same on every engine sharing the database.
import type { Kysely } from 'kysely';
import type { AuterityMigration } from './types.js';

export const runStarter: AuterityMigration = {
  name: '0005_run_starter',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('workflow_runs').addColumn('started_by', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('workflow_runs').dropColumn('started_by').execute();
  },
};
