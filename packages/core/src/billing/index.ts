// Billing: plan catalog, entitlements and quotas, usage ledger. See DESIGN §4.
export {
  addonPresets,
  autoPlans,
  autoPlansInput,
  bundlePresets,
  definePlans,
  isCatalog,
  saasTiers,
  saasTiersInput,
  type AddonDefinition,
  type Bundle,
  type BundleDefinition,
  type Catalog,
  type CatalogDefinition,
  type CatalogInput,
  type FeatureDefinition,
  type Grant,
  type OveragePolicy,
  type Period,
  type Plan,
  type PlanDefinition,
  type PlanPrices,
  type ResolvedGrant,
} from './catalog/index.js';
export type { CheckReason, CheckResult, ConsumeResult, Reservation, TenantEntitlements } from './entitlements/index.js';
export type { RateResult, UsageQuery, UsageRecord } from './backends/index.js';
export type { UsageTotal } from './ledger/index.js';
export type { BillingInterval, PlanChange, Subscription, SubscriptionStatus, SubscriptionsApi } from './subscriptions/subscriptions.js';
export type { BillingProvider, CheckoutRequest, CheckoutResult, PushResult, UsageReport, WebhookResult } from './providers/index.js';
export type { BillingOptions, EngineBilling, RowCounter, RunGuardContext, TenantBilling } from './billing-engine.js';
