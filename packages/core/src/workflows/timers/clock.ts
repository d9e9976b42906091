// Time as the executor sees it. Injected so tests drive retries, delays and cron with a manual
// clock; real engines use the system clock. Timers here only *wake* the engine early: every timer
// that matters is also a durable `due_at` on its run, found by polling after a restart.
export interface WorkflowClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: WorkflowClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, Math.max(0, Math.min(ms, 2_147_483_647)));
    // Never keep the host process alive just for the engine's timers.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Delay before retry `attempt` (1-based: the delay after the first failure is attempt 1). */
export function backoffDelay(
  policy: { backoff: 'fixed' | 'exponential'; initialMs: number; factor: number; maxMs: number; jitter: boolean },
  attempt: number,
  random: () => number,
): number {
  const base = policy.backoff === 'fixed' ? policy.initialMs : policy.initialMs * policy.factor ** (attempt - 1);
  const capped = Math.min(policy.maxMs, base);
  // Equal jitter: half fixed, half random, so delays never collapse to zero yet still spread.
  return Math.round(policy.jitter ? capped / 2 + random() * (capped / 2) : capped);
}
