export { createTenantEntitlements, type CheckReason, type CheckResult, type ConsumeResult, type EntitlementsDeps, type Reservation, type TenantEntitlements } from './entitlements.js';
export { addMonths, windowAt, type Window } from './periods.js';
export type { PlanState } from './plan-state.js';
