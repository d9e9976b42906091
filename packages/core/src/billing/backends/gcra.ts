// GCRA (generic cell rate algorithm): one timestamp per subject, the "theoretical arrival time".
// A request is allowed when it would not push that time more than `burst` intervals past now.
import type { RateResult } from './types.js';

export function gcra(storedTat: number | undefined, now: number, intervalMs: number, burst: number): { result: RateResult; tat: number | undefined } {
  const tat = Math.max(storedTat ?? now, now);
  const next = tat + intervalMs;
  const allowAt = next - burst * intervalMs;
  if (now < allowAt) return { result: { allowed: false, remaining: 0, retryAfterMs: allowAt - now }, tat: undefined };
  return { result: { allowed: true, remaining: Math.floor((now - allowAt) / intervalMs), retryAfterMs: 0 }, tat: next };
}
