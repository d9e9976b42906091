export { createLocalProvider } from './local.js';
export { createStripeProvider, type StripeProviderOptions } from './stripe/stripe-provider.js';
export type { BillingProvider, CheckoutRequest, CheckoutResult, PushResult, UsageReport, WebhookResult } from './types.js';
