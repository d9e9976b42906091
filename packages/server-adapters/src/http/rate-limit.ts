// Request rate limits through the billing engine: every authenticated request counts against a rate
// feature of the tenant's plan (default `api_calls`), so limits follow plans, hold across processes
// (the quota backend is shared) and are refused as `rate_limited` with the limit and the wait, which
// the error envelope turns into 429 + Retry-After.
import type { Auterity, TenantHandle } from '@auterity/core';
import type { Principal } from './auth.js';

export interface RateLimitOptions {
  /** The plan catalog's rate feature every authenticated request counts against. Default `api_calls`. */
  feature?: string;
}

export const DEFAULT_RATE_FEATURE = 'api_calls';

/**
 * The subject host-authenticated callers are counted under when the feature is limited per API key:
 * all of a tenant's host users share one budget. API key ids are `key_…`, so it never names a key.
 */
export const HOST_SUBJECT = 'host';

export type RateLimiter = (principal: Principal, tenant: TenantHandle) => Promise<void>;

/**
 * The limiter for `options`, or undefined when nothing is to be limited: limits switched off, or a
 * feature the catalog does not have as a rate feature (a catalog without API rate limits).
 */
export function createRateLimiter(engine: Auterity, options: RateLimitOptions | false | undefined): RateLimiter | undefined {
  if (options === false) return undefined;
  const feature = options?.feature ?? DEFAULT_RATE_FEATURE;
  if (engine.billing.catalog.features[feature]?.type !== 'rate') return undefined;
  return async (principal, tenant) => {
    // Throws rate_limited (with retryAfterMs and the limit) when refused. A tenant-scoped feature
    // ignores the subject; a per-key one counts key callers per key and host callers per tenant.
    await tenant.billing.rateLimit(feature, { apiKeyId: principal.keyId ?? HOST_SUBJECT });
  };
}
