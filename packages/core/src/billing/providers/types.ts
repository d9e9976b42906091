// The payment provider seam: `local` (embedded, no payments) or `stripe`.
import type { Subscription, BillingInterval } from '../subscriptions/subscriptions.js';

export interface PushResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

export interface CheckoutRequest {
  tenantId: string;
  planId: string;
  interval?: BillingInterval;
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutResult {
  /** Where to send the customer (null for the local provider, which subscribes at once). */
  url: string | null;
  id: string | null;
  subscription?: Subscription;
}

export interface WebhookResult {
  eventId: string;
  type: string;
  /** The event id was seen before: nothing was applied again. */
  duplicate: boolean;
  /** The event changed (or confirmed) billing state; false for event types billing ignores. */
  handled: boolean;
}

export interface UsageReport {
  /** Ledger rows acknowledged by the provider in this run. */
  reported: number;
  /** Rows that failed and stay queued for the next run. */
  failed: number;
}

export interface BillingProvider {
  readonly name: 'local' | 'stripe';
  /** Creates or updates the provider's products and prices from the catalog (idempotent). */
  pushPlans(): Promise<PushResult>;
  checkout(request: CheckoutRequest): Promise<CheckoutResult>;
  /** A customer portal session URL (null when the provider has none). */
  portal(request: { tenantId: string; returnUrl: string }): Promise<{ url: string | null }>;
  /** Verifies the signature on the raw body, then applies the event once. */
  handleWebhook(rawBody: string | Uint8Array, signature: string | undefined): Promise<WebhookResult>;
  /** Sends unreported metered usage to the provider's meters; safe to run repeatedly. */
  reportUsage(): Promise<UsageReport>;
}
