// What engine.ts needs from billing, kept to one import.
export { createBillingEngine } from './billing-engine.js';
export type { BillingEngine, BillingOptions, EngineBilling, RunGuardContext, TenantBilling } from './billing-engine.js';
