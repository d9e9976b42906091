import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/ai/router/retry.js';
import type { BreakerTransition } from '../../src/ai/types.js';
import { isAuterityError } from '../../src/errors.js';
import { ask, createClock, recordingSleep, tenant, useUpstream } from './router-fixtures.js';

const fx = useUpstream();
const callsTo = (model: string) => fx.up.requests.filter((request) => request.model === model).length;

async function failure(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isAuterityError(error)) throw new Error(`expected an AuterityError, got ${String(error)}`);
  return { code: error.code, details: error.details };
}

describe('retries', () => {
  it('honours Retry-After (seconds) on 429, using exactly the delay asked for', async () => {
    const { sleep, delays } = recordingSleep();
    const router = fx.router({}, { sleep });
    fx.up.behave('cheap', [{ status: 429, retryAfter: 2 }, { status: 429, retryAfter: 1 }, {}]);
    const completion = await router.complete(ask('cheap'), tenant);
    expect(callsTo('cheap')).toBe(3);
    expect(delays).toEqual([2_000, 1_000]);
    expect(completion.auterity.attempts.map((attempt) => attempt.error ?? attempt.outcome)).toEqual(['429', '429', 'ok']);
  });

  it('prefers retry-after-ms, on 503 as well', async () => {
    const { sleep, delays } = recordingSleep();
    const router = fx.router({}, { sleep });
    fx.up.behave('cheap', [{ status: 503, retryAfterMs: 150, retryAfter: 9 }, {}]);
    await router.complete(ask('cheap'), tenant);
    expect(delays).toEqual([150]);
  });

  it('reads Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': '1.5' }), now)).toBe(1_500);
  });

  it('backs off exponentially with full jitter when no Retry-After is given', async () => {
    const { sleep, delays } = recordingSleep();
    const router = fx.router({ retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 } }, { sleep, random: () => 0.5 });
    fx.up.behave('cheap', [{ status: 500 }, { status: 502 }, { status: 500 }, {}]);
    await router.complete(ask('cheap'), tenant);
    // random 0.5 of caps 100, 200, min(400, 300).
    expect(delays).toEqual([50, 100, 150]);
  });

  it('moves on to the next target when Retry-After exceeds maxRetryAfterMs', async () => {
    const { sleep, delays } = recordingSleep();
    const router = fx.router({ retry: { maxRetryAfterMs: 5_000 }, routes: [{ id: 'chat', strategy: 'fallback', targets: [{ model: 'cheap' }, { model: 'mid' }] }] }, { sleep });
    fx.up.behave('cheap', { status: 429, retryAfter: 30 });
    const completion = await router.complete(ask('chat'), tenant);
    expect(delays).toEqual([]);
    expect(callsTo('cheap')).toBe(1);
    expect(completion.auterity.attempts.map((attempt) => [attempt.model, attempt.error ?? attempt.outcome])).toEqual([
      ['cheap', '429'],
      ['mid', 'ok'],
    ]);
  });

  it('does not retry a 400, nor count it against the breaker', async () => {
    const { sleep, delays } = recordingSleep();
    const router = fx.router({ breaker: { failureThreshold: 2 } }, { sleep });
    fx.up.behave('cheap', { status: 400 });
    for (let index = 0; index < 3; index += 1) {
      const error = await failure(router.complete(ask('cheap'), tenant));
      expect(error.code).toBe('upstream_error');
    }
    expect(callsTo('cheap')).toBe(3);
    expect(delays).toEqual([]);
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('retries 408 and 409, and gives up after maxAttempts with the attempts listed', async () => {
    const { sleep } = recordingSleep();
    const router = fx.router({ retry: { maxAttempts: 3 } }, { sleep });
    fx.up.behave('cheap', [{ status: 408 }, { status: 409 }, { status: 500 }]);
    const error = await failure(router.complete(ask('cheap'), tenant));
    expect(error.code).toBe('upstream_error');
    expect((error.details.attempts as { error: string }[]).map((attempt) => attempt.error)).toEqual(['408', '409', '500']);
  });
});

describe('timeouts and aborts', () => {
  it('times out a hanging upstream per attempt, then falls back', async () => {
    // The timeout applies to mid too: long enough that a loaded machine still answers within it.
    const router = fx.router({ timeoutMs: 250, retry: { maxAttempts: 2 }, routes: [{ id: 'chat', strategy: 'fallback', targets: [{ model: 'cheap' }, { model: 'mid' }] }] });
    fx.up.behave('cheap', { hang: true });
    const completion = await router.complete(ask('chat'), tenant);
    expect(completion.auterity.attempts.map((attempt) => [attempt.model, attempt.error ?? attempt.outcome])).toEqual([
      ['cheap', 'timeout'],
      ['cheap', 'timeout'],
      ['mid', 'ok'],
    ]);
  });

  it('reports upstream_timeout when every target timed out', async () => {
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [{ id: 'chat', strategy: 'fallback', timeoutMs: 30, targets: [{ model: 'cheap' }, { model: 'mid' }] }] });
    fx.up.behave('*', { hang: true });
    const error = await failure(router.complete(ask('chat'), tenant));
    expect(error.code).toBe('upstream_timeout');
  });

  it('the caller’s signal aborts the call, retries and sleeps included', async () => {
    const router = fx.router({ timeoutMs: 10_000 });
    fx.up.behave('cheap', { hang: true });
    const controller = new AbortController();
    const pending = router.complete(ask('cheap'), { ...tenant, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 20);
    await expect(pending).rejects.toThrow('caller gave up');
    fx.up.behave('cheap', { status: 429, retryAfter: 5 });
    const sleeping = new AbortController();
    const slept = router.complete(ask('cheap'), { ...tenant, signal: sleeping.signal });
    setTimeout(() => sleeping.abort(new Error('stop waiting')), 20);
    await expect(slept).rejects.toThrow('stop waiting');
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')?.state).toBe('closed');
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, skips while open, probes after the cooldown, and closes on success', async () => {
    const clock = createClock();
    const router = fx.router({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 2, cooldownMs: 1_000 } }, { now: clock.now });
    const events: BreakerTransition[] = [];
    router.onBreaker((transition) => events.push(transition));
    fx.up.behave('cheap', { status: 500 });
    await failure(router.complete(ask('cheap'), tenant));
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')).toMatchObject({ state: 'closed', failures: 1 });
    await failure(router.complete(ask('cheap'), tenant));
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')).toMatchObject({ state: 'open', failures: 2, retryAt: clock.now() + 1_000 });
    expect(events).toEqual([{ provider: 'local', model: 'cheap', from: 'closed', to: 'open', at: clock.now(), reason: expect.stringContaining('2 consecutive failures') }]);

    // Open: skipped without a request.
    const skipped = await failure(router.complete(ask('cheap'), tenant));
    expect(skipped.details.attempts).toEqual([{ model: 'cheap', provider: 'local', outcome: 'skipped_breaker_open', latencyMs: 0 }]);
    expect(callsTo('cheap')).toBe(2);

    // Cooldown over: one probe, which fails -> open again.
    clock.advance(1_000);
    await failure(router.complete(ask('cheap'), tenant));
    expect(callsTo('cheap')).toBe(3);
    expect(events.slice(1).map((event) => [event.from, event.to])).toEqual([
      ['open', 'half_open'],
      ['half_open', 'open'],
    ]);
    expect(events[2]?.reason).toMatch(/probe failed/);

    // Next probe succeeds -> closed.
    clock.advance(1_000);
    fx.up.behave('cheap', {});
    await router.complete(ask('cheap'), tenant);
    expect(events.slice(3).map((event) => [event.from, event.to, event.reason])).toEqual([
      ['open', 'half_open', expect.stringContaining('cooldown')],
      ['half_open', 'closed', 'probe succeeded'],
    ]);
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('half-open lets exactly one probe through under concurrency; the others fall back', async () => {
    const clock = createClock();
    const router = fx.router(
      { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1, cooldownMs: 500 }, routes: [{ id: 'chat', strategy: 'fallback', targets: [{ model: 'cheap' }, { model: 'mid' }] }] },
      { now: clock.now },
    );
    fx.up.behave('cheap', [{ status: 500 }, { latencyMs: 50 }]);
    await router.complete(ask('chat'), tenant);
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')?.state).toBe('open');
    clock.advance(500);
    const results = await Promise.all(Array.from({ length: 5 }, () => router.complete(ask('chat'), tenant)));
    expect(callsTo('cheap')).toBe(2);
    expect(results.filter((result) => result.auterity.model === 'cheap')).toHaveLength(1);
    const others = results.filter((result) => result.auterity.model === 'mid');
    expect(others).toHaveLength(4);
    for (const other of others) expect(other.auterity.attempts[0]).toMatchObject({ model: 'cheap', outcome: 'skipped_breaker_open' });
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')?.state).toBe('closed');
  });

  it('a listener that throws does not break routing', async () => {
    const router = fx.router({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1 } });
    const off = router.onBreaker(() => {
      throw new Error('listener bug');
    });
    fx.up.behave('cheap', { status: 500 });
    await failure(router.complete(ask('cheap'), tenant));
    off();
    expect(router.breakers().find((breaker) => breaker.model === 'cheap')?.state).toBe('open');
  });
});

describe('close', () => {
  it('aborts calls in flight and refuses new ones', async () => {
    const router = fx.router({ timeoutMs: 10_000 });
    fx.up.behave('cheap', { hang: true });
    const pending = router.complete(ask('cheap'), tenant);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await router.close();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    await expect(router.complete(ask('cheap'), tenant)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('ends a call waiting to retry at once', async () => {
    const router = fx.router({ timeoutMs: 10_000 });
    fx.up.behave('cheap', { status: 429, retryAfter: 5 });
    const pending = router.complete(ask('cheap'), tenant);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = Date.now();
    await router.close();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now() - closing).toBeLessThan(2_000);
  });
});
