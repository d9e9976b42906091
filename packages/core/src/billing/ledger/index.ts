// The usage ledger: every admitted consume and commit with tenant, feature, amount, time and
// idempotency key. Each backend writes it atomically with the counter it changes (SQL: the
// billing_usage table; Redis: a per-tenant stream; memory: an array).
export { ledgerId } from './ids.js';
export { totalsByFeature, type UsageTotal } from './summary.js';
export type { UsageQuery, UsageRecord } from '../backends/types.js';
