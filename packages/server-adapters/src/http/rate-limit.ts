// An optional per-tenant request budget for the standalone server (fixed window, in memory, so it
// holds per process). Billing's metered `api_calls` limits replace it where plans are configured.
import { HttpError } from './errors.js';

export interface RateLimitOptions {
  /** Requests allowed per tenant in each window. */
  requests: number;
  windowMs: number;
}

export function createRateLimiter(options: RateLimitOptions, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return (tenantId: string): void => {
    const at = now();
    let window = windows.get(tenantId);
    if (!window || at - window.start >= options.windowMs) {
      // Forget stale windows as we go, so the map never outgrows the active tenants.
      if (windows.size > 10_000) for (const [key, value] of windows) if (at - value.start >= options.windowMs) windows.delete(key);
      window = { start: at, count: 0 };
      windows.set(tenantId, window);
    }
    window.count += 1;
    if (window.count > options.requests) {
      const retryAfter = Math.max(1, Math.ceil((window.start + options.windowMs - at) / 1000));
      throw new HttpError(
        429,
        'rate_limited',
        `Rate limit of ${options.requests} requests per ${options.windowMs / 1000} s exceeded; retry in ${retryAfter} s.`,
        [],
        { 'retry-after': String(retryAfter) },
      );
    }
  };
}
