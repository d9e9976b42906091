// Usage windows. Every window is aligned to the tenant's billing anchor (when its subscription
// started), so "executions per month" resets on the anniversary of the anchor, not on the 1st.
// Calendar months are computed in UTC with the day clamped (an anchor on the 31st resets on the
// 30th in April and on the 28th/29th in February).
import type { Period } from '../catalog/schema.js';

export interface Window {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive: when usage resets. */
  readonly end: number;
}

const recent = new Map<string, Window>();

const FIXED: Record<'minute' | 'hour' | 'day', number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The anchor moved by `months` calendar months (UTC), clamping the day to the month's length. */
export function addMonths(anchor: number, months: number): number {
  const date = new Date(anchor);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

function monthlyWindow(anchor: number, now: number, step: number): Window {
  const a = new Date(anchor);
  const n = new Date(now);
  let k = Math.floor(((n.getUTCFullYear() - a.getUTCFullYear()) * 12 + (n.getUTCMonth() - a.getUTCMonth())) / step) * step;
  // The estimate is off by at most one step either way (day/time of month).
  while (addMonths(anchor, k) > now) k -= step;
  while (addMonths(anchor, k + step) <= now) k += step;
  return { start: addMonths(anchor, k), end: addMonths(anchor, k + step) };
}

/**
 * The window containing `now` for a period anchored at `anchor`. `billing_cycle` follows the
 * subscription's interval (a month, or a year on annual billing).
 */
export function windowAt(period: Period, anchor: number, now: number, interval: 'month' | 'year' = 'month'): Window {
  if (period === 'month' || period === 'billing_cycle') {
    // Calendar arithmetic is the costly part of a check: remember the last window per anchor.
    const step = period === 'billing_cycle' && interval === 'year' ? 12 : 1;
    const key = `${anchor}:${step}`;
    const cached = recent.get(key);
    if (cached && cached.start <= now && now < cached.end) return cached;
    const window = monthlyWindow(anchor, now, step);
    if (recent.size >= 10_000) recent.clear();
    recent.set(key, window);
    return window;
  }
  const length = FIXED[period];
  const start = anchor + Math.floor((now - anchor) / length) * length;
  return { start, end: start + length };
}
