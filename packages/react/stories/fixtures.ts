// Deterministic sample data for stories, tests and the DataTable benchmark check.

export type RunStatus = 'succeeded' | 'failed' | 'running' | 'queued' | 'cancelled';

export interface Run {
  id: string;
  workflow: string;
  tenant: string;
  status: RunStatus;
  startedAt: Date;
  durationMs: number;
  cost: number;
}

const WORKFLOWS = ['welcome', 'invoice-reminder', 'lead-scoring', 'churn-alert', 'weekly-report', 'sync-crm', 'onboarding', 'renewal'];
const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne'];
const STATUSES: RunStatus[] = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'running', 'queued', 'cancelled'];
const START = Date.UTC(2025, 0, 1);

/** `count` runs, the same every time (a small linear congruential generator). */
export function makeRuns(count: number): Run[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
    return seed / 4_294_967_296;
  };
  return Array.from({ length: count }, (_, i): Run => ({
    id: `run_${String(i + 1).padStart(6, '0')}`,
    workflow: WORKFLOWS[Math.floor(random() * WORKFLOWS.length)]!,
    tenant: TENANTS[Math.floor(random() * TENANTS.length)]!,
    status: STATUSES[Math.floor(random() * STATUSES.length)]!,
    startedAt: new Date(START + Math.floor(random() * 180 * 86_400_000)),
    durationMs: Math.floor(random() * 120_000),
    cost: Math.round(random() * 5000) / 100,
  }));
}
