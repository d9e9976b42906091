// Totals over ledger records: what analytics and invoices are built from.
import type { UsageRecord } from '../backends/types.js';

export interface UsageTotal {
  feature: string;
  /** Sum of the amounts recorded. */
  total: number;
  /** Ledger records counted. */
  records: number;
  /** Epoch ms of the first and last record. */
  firstAt: number;
  lastAt: number;
}

/** Per-feature totals, in the order features first appear. */
export function totalsByFeature(records: readonly UsageRecord[]): UsageTotal[] {
  const totals = new Map<string, UsageTotal>();
  for (const record of records) {
    const total = totals.get(record.feature);
    if (total) {
      total.total += record.amount;
      total.records++;
      total.firstAt = Math.min(total.firstAt, record.at);
      total.lastAt = Math.max(total.lastAt, record.at);
    } else {
      totals.set(record.feature, { feature: record.feature, total: record.amount, records: 1, firstAt: record.at, lastAt: record.at });
    }
  }
  return [...totals.values()];
}
