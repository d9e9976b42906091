// Every migration, in order. A domain adds its tables by appending a migration here.
import { tenancy } from './0001_tenancy.js';
import { governance } from './0002_governance.js';
import { workflows } from './0003_workflows.js';
import { billing } from './0004_billing.js';
import { runStarter } from './0005_run_starter.js';
import { aiCalls } from './0006_ai_calls.js';
import { approvalKeyAndDelivery } from './0007_approval_key_and_delivery.js';
import type { AuterityMigration } from './types.js';

export type { AuterityMigration } from './types.js';

export const migrations: readonly AuterityMigration[] = [tenancy, governance, workflows, billing, runStarter, aiCalls, approvalKeyAndDelivery];
