// The example catalogs of the product brief (DESIGN §4), importable as presets. Prices are typed in
// monthly only; annual (15% off) and bundle (15/20/30% off) prices are computed by definePlans().
import { definePlans, type Catalog } from './catalog.js';
import type { CatalogInput } from './schema.js';

type AddonInput = NonNullable<CatalogInput['addons']>[number];
type BundleInput = NonNullable<CatalogInput['bundles']>[number];

/** Add-ons, with their higher price on Enterprise-class plans. */
export const addonPresets: readonly AddonInput[] = [
  { id: 'process_automation', name: 'Process Automation', monthly: 29_900, monthlyByPlan: { enterprise: 44_900 } },
  { id: 'ai_specialization', name: 'AI Specialization', monthly: 39_900, monthlyByPlan: { enterprise: 59_900 } },
  { id: 'enterprise_controls', name: 'Enterprise Controls', monthly: 39_900, monthlyByPlan: { enterprise: 59_900 } },
  { id: 'integration_hub', name: 'Integration Hub', monthly: 19_900, monthlyByPlan: { enterprise: 29_900 } },
];

/** Bundles at 15%, 20% and 30% off the sum of their add-ons. */
export const bundlePresets: readonly BundleInput[] = [
  { id: 'automation_ai', name: 'Automation + AI', addons: ['process_automation', 'ai_specialization'], discountPercent: 15 },
  { id: 'operations_suite', name: 'Operations Suite', addons: ['process_automation', 'enterprise_controls', 'integration_hub'], discountPercent: 20 },
  { id: 'complete', name: 'Complete', addons: ['process_automation', 'ai_specialization', 'enterprise_controls', 'integration_hub'], discountPercent: 30 },
];

/** Free / Pro $29 / Business $99 / Enterprise (custom): the engine's default catalog. */
export const autoPlansInput: CatalogInput = {
  currency: 'usd',
  annualDiscountPercent: 15,
  fallbackPlan: 'free',
  features: {
    workflows: { type: 'limit', name: 'Workflows' },
    executions: { type: 'metered', name: 'Workflow executions', period: 'month', overage: { policy: 'block' } },
    integrations: { type: 'limit', name: 'Integrations' },
    seats: { type: 'limit', name: 'Seats' },
    ai_tokens: { type: 'metered', name: 'AI tokens', period: 'month', overage: { policy: 'warn', thresholds: [0.8, 1] } },
    api_calls: { type: 'rate', name: 'API calls', per: 'minute', scope: 'api_key' },
    sso: { type: 'boolean', name: 'Single sign-on' },
  },
  plans: [
    { id: 'free', name: 'Free', monthly: 0, features: { workflows: 3, executions: 50, integrations: 10, seats: 3, ai_tokens: 10_000, api_calls: 60 } },
    { id: 'pro', name: 'Pro', monthly: 2_900, trialDays: 14, features: { workflows: 100, executions: 5_000, integrations: 50, seats: 10, ai_tokens: 500_000, api_calls: 600 } },
    { id: 'business', name: 'Business', monthly: 9_900, trialDays: 14, features: { workflows: 500, executions: 50_000, integrations: 'unlimited', seats: 50, ai_tokens: 5_000_000, api_calls: 3_000, sso: true } },
    { id: 'enterprise', name: 'Enterprise', monthly: null, features: { workflows: 'unlimited', executions: 'unlimited', integrations: 'unlimited', seats: 'unlimited', ai_tokens: 'unlimited', api_calls: 'unlimited', sso: true } },
  ],
  addons: [...addonPresets],
  bundles: [...bundlePresets],
};

/**
 * FREE / STARTER / PROFESSIONAL / ENTERPRISE / WHITE_LABEL. The brief fixes the limits and the
 * 14-day trial, not the prices: the monthly prices here are placeholders for the ISV to set.
 */
export const saasTiersInput: CatalogInput = {
  currency: 'usd',
  annualDiscountPercent: 15,
  fallbackPlan: 'free',
  features: {
    users: { type: 'limit', name: 'Users' },
    ai_agents: { type: 'limit', name: 'AI agents' },
    api_calls: { type: 'metered', name: 'API calls', period: 'month', overage: { policy: 'block' } },
    storage_gb: { type: 'limit', name: 'Storage', unit: 'GB' },
  },
  plans: [
    { id: 'free', name: 'Free', monthly: 0, features: { users: 5, ai_agents: 1, api_calls: 1_000, storage_gb: 1 } },
    { id: 'starter', name: 'Starter', monthly: 4_900, trialDays: 14, features: { users: 10, ai_agents: 3, api_calls: 10_000, storage_gb: 10 } },
    { id: 'professional', name: 'Professional', monthly: 19_900, trialDays: 14, features: { users: 50, ai_agents: 10, api_calls: 100_000, storage_gb: 100 } },
    { id: 'enterprise', name: 'Enterprise', monthly: 99_900, trialDays: 14, features: { users: 500, ai_agents: 50, api_calls: 1_000_000, storage_gb: 1_000 } },
    { id: 'white_label', name: 'White Label', monthly: null, trialDays: 14, features: { users: 'unlimited', ai_agents: 'unlimited', api_calls: 'unlimited', storage_gb: 'unlimited' } },
  ],
  addons: addonPresets.map((addon) => ({ ...addon, monthlyByPlan: { ...addon.monthlyByPlan, white_label: addon.monthlyByPlan?.['enterprise'] ?? addon.monthly } })),
  bundles: [...bundlePresets],
};

/** The default catalog (plan ids free, pro, business, enterprise). */
export const autoPlans: Catalog = definePlans(autoPlansInput);
/** The 5-tier SaaS catalog. */
export const saasTiers: Catalog = definePlans(saasTiersInput);
