// Circuit breakers, one per provider+model of the catalog (a fixed set, so memory is bounded).
// closed -> open after `failureThreshold` consecutive failures; open -> half_open once `cooldownMs`
// has passed, letting exactly one probe through; the probe's success closes it, its failure reopens it.
import type { BreakerSnapshot, BreakerState, BreakerTransition } from '../types.js';

interface Breaker {
  provider: string;
  model: string;
  state: BreakerState;
  failures: number;
  since: number;
  retryAt: number | undefined;
  probing: boolean;
}

/** What a caller may do with a target right now. */
export type Admission = 'allowed' | 'probe' | 'open';

export interface Breakers {
  /** `probe` means the caller holds the half-open probe and must report its outcome (or release it). */
  admit(provider: string, model: string): Admission;
  success(provider: string, model: string): void;
  failure(provider: string, model: string, reason: string): void;
  /** The attempt ended without saying anything about the target's health (client error, caller abort). */
  release(provider: string, model: string): void;
  snapshot(): BreakerSnapshot[];
  onTransition(listener: (transition: BreakerTransition) => void): () => void;
}

function key(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}

export function createBreakers(
  targets: readonly { provider: string; model: string }[],
  options: { failureThreshold: number; cooldownMs: number; now: () => number; onListenerError?: (error: unknown) => void },
): Breakers {
  const breakers = new Map<string, Breaker>();
  const listeners = new Set<(transition: BreakerTransition) => void>();
  const start = options.now();
  for (const { provider, model } of targets) {
    breakers.set(key(provider, model), { provider, model, state: 'closed', failures: 0, since: start, retryAt: undefined, probing: false });
  }

  function move(breaker: Breaker, to: BreakerState, reason: string): void {
    const from = breaker.state;
    const at = options.now();
    breaker.state = to;
    breaker.since = at;
    breaker.retryAt = to === 'open' ? at + options.cooldownMs : undefined;
    if (to !== 'half_open') breaker.probing = false;
    const transition: BreakerTransition = { provider: breaker.provider, model: breaker.model, from, to, at, reason };
    for (const listener of listeners) {
      try {
        listener(transition);
      } catch (error) {
        options.onListenerError?.(error);
      }
    }
  }

  return {
    admit(provider, model) {
      const breaker = breakers.get(key(provider, model));
      if (!breaker) return 'allowed';
      if (breaker.state === 'open') {
        if (options.now() < (breaker.retryAt ?? 0)) return 'open';
        move(breaker, 'half_open', `cooldown of ${options.cooldownMs} ms elapsed`);
      }
      if (breaker.state === 'half_open') {
        if (breaker.probing) return 'open';
        breaker.probing = true;
        return 'probe';
      }
      return 'allowed';
    },
    success(provider, model) {
      const breaker = breakers.get(key(provider, model));
      if (!breaker) return;
      breaker.failures = 0;
      if (breaker.state !== 'closed') move(breaker, 'closed', breaker.state === 'half_open' ? 'probe succeeded' : 'a request in flight succeeded');
    },
    failure(provider, model, reason) {
      const breaker = breakers.get(key(provider, model));
      if (!breaker) return;
      breaker.failures += 1;
      if (breaker.state === 'half_open') move(breaker, 'open', `probe failed: ${reason}`);
      else if (breaker.state === 'closed' && breaker.failures >= options.failureThreshold) {
        move(breaker, 'open', `${breaker.failures} consecutive failures (last: ${reason})`);
      }
    },
    release(provider, model) {
      const breaker = breakers.get(key(provider, model));
      if (breaker?.state === 'half_open') breaker.probing = false;
    },
    snapshot() {
      return [...breakers.values()].map((breaker) => {
        const snapshot: BreakerSnapshot = { provider: breaker.provider, model: breaker.model, state: breaker.state, failures: breaker.failures, since: breaker.since };
        if (breaker.retryAt !== undefined) snapshot.retryAt = breaker.retryAt;
        return snapshot;
      });
    },
    onTransition(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
