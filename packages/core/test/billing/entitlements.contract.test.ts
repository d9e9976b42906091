// The entitlements contract, run against every quota backend: memory, SQLite, PostgreSQL, Redis.
import { describe, expect, it } from 'vitest';
import { isAuterityError, type AuterityError } from '@auterity/core';
import { addMonths } from '../../src/billing/entitlements/index.js';
import { backendCases, useBilling } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<AuterityError> {
  try {
    await promise;
  } catch (error) {
    if (isAuterityError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(backendCases)('entitlements on %s', (kind) => {
  const fixture = useBilling(kind);

  it('checks and consumes a metered feature up to its limit, then refuses naming feature, limit and reset', async () => {
    const { handle, createdAt } = await fixture.tenant('meter');
    const resetsAt = addMonths(createdAt, 1);
    expect(await handle.billing.check('executions')).toEqual({ feature: 'executions', allowed: true, limit: 5, used: 0, remaining: 5, resetsAt, reason: 'within_limit' });
    const first = await handle.billing.consume('executions', 3);
    expect(first).toMatchObject({ allowed: true, used: 3, remaining: 2, limit: 5, replayed: false, overage: 0 });
    expect(await handle.billing.check('executions', 3)).toMatchObject({ allowed: false, used: 3, remaining: 2, reason: 'limit_reached' });
    await handle.billing.consume('executions', 2);
    const error = await rejection(handle.billing.consume('executions'));
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toContain('"executions"');
    expect(error.message).toContain('limit 5 per month');
    expect(error.message).toContain(new Date(resetsAt).toISOString());
    expect(error.details).toMatchObject({ feature: 'executions', limit: 5, used: 5, requested: 1, resetsAt });
    expect(await handle.billing.check('executions')).toMatchObject({ allowed: false, used: 5, remaining: 0 });
  });

  it('counts a replayed idempotency key once', async () => {
    const { handle } = await fixture.tenant('idem');
    expect(await handle.billing.consume('executions', 2, { idempotencyKey: 'run-1' })).toMatchObject({ used: 2, replayed: false });
    expect(await handle.billing.consume('executions', 2, { idempotencyKey: 'run-1' })).toMatchObject({ used: 2, replayed: true });
    expect(await handle.billing.consume('executions', 1, { idempotencyKey: 'run-2' })).toMatchObject({ used: 3, replayed: false });
    const ledger = await handle.billing.usage({ feature: 'executions' });
    expect(ledger.map((row) => [row.amount, row.idempotencyKey, row.kind])).toEqual([
      [2, 'run-1', 'consume'],
      [1, 'run-2', 'consume'],
    ]);
    expect(await handle.billing.usageTotals()).toEqual([{ feature: 'executions', total: 3, records: 2, firstAt: ledger[0]!.at, lastAt: ledger[1]!.at }]);
  });

  it('admits a refused key later, once there is room', async () => {
    const { handle } = await fixture.tenant('idem-refused');
    await handle.billing.consume('executions', 5);
    fixture.clock.set(addMonths(fixture.clock.now() - 1_000, 1) + 1_000);
    expect(await handle.billing.consume('executions', 1, { idempotencyKey: 'k' })).toMatchObject({ used: 1, replayed: false });
  });

  it('resets usage exactly at the boundary of the billing anchor', async () => {
    const { handle, createdAt } = await fixture.tenant('periods');
    await handle.billing.consume('executions', 5);
    const boundary = addMonths(createdAt, 1);
    fixture.clock.set(boundary - 1);
    expect((await rejection(handle.billing.consume('executions'))).code).toBe('quota_exceeded');
    fixture.clock.set(boundary);
    expect(await handle.billing.check('executions')).toMatchObject({ used: 0, remaining: 5, resetsAt: addMonths(createdAt, 2) });
    expect(await handle.billing.consume('executions', 5)).toMatchObject({ used: 5 });
    // A per-minute feature resets on minutes counted from the anchor, not the wall clock's minutes.
    await handle.billing.consume('calls', 3);
    fixture.clock.set(boundary + 59_999 - ((boundary - createdAt) % 60_000));
    expect((await rejection(handle.billing.consume('calls'))).code).toBe('quota_exceeded');
    fixture.clock.advance(1);
    expect(await handle.billing.consume('calls', 3)).toMatchObject({ used: 3 });
  });

  it('bills overage past the limit and reports warn thresholds as they are crossed', async () => {
    const { handle } = await fixture.tenant('overage');
    expect(await handle.billing.consume('ai_tokens', 8)).toMatchObject({ used: 8, overage: 0, reason: 'within_limit' });
    expect(await handle.billing.consume('ai_tokens', 5)).toMatchObject({ allowed: true, used: 13, overage: 3, reason: 'overage_billed' });
    expect(await handle.billing.consume('alerts', 1)).toMatchObject({ thresholdsCrossed: [] });
    expect(await handle.billing.consume('alerts', 1)).toMatchObject({ thresholdsCrossed: [0.5] });
    expect(await handle.billing.consume('alerts', 3)).toMatchObject({ used: 5, overage: 1, thresholdsCrossed: [1], reason: 'overage_warned' });
  });

  it('answers boolean features and refuses features the catalog does not know', async () => {
    const { handle } = await fixture.tenant('flags');
    expect(await handle.billing.check('sso')).toMatchObject({ allowed: false, reason: 'not_in_plan' });
    const big = await fixture.tenant('flags-large', 'large');
    expect(await big.handle.billing.check('sso')).toMatchObject({ allowed: true });
    expect(await big.handle.billing.check('executions', 1_000_000)).toMatchObject({ allowed: true, limit: null, remaining: null, reason: 'unlimited' });
    const unknown = await rejection(handle.billing.check('teleport'));
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.message).toContain('executions');
    expect(unknown.issues[0]?.path).toBe('feature');
    expect((await rejection(handle.billing.consume('sso'))).code).toBe('invalid_input');
    expect((await rejection(handle.billing.consume('executions', 0))).issues[0]?.path).toBe('amount');
  });

  it('counts seats from the member rows', async () => {
    const { handle } = await fixture.tenant('seats');
    expect(await handle.billing.check('seats')).toMatchObject({ allowed: true, used: 0, limit: 1 });
    await handle.members.add({ email: 'a@example.com', roles: ['admin'] });
    expect(await handle.billing.check('seats')).toMatchObject({ allowed: false, used: 1, remaining: 0, resetsAt: null });
  });

  it('reserves, commits the actual amount, releases, and gives back expired reservations', async () => {
    const { handle } = await fixture.tenant('reserve');
    const held = await handle.billing.reserve('executions', 4, { ttlMs: 10_000 });
    expect(await handle.billing.check('executions')).toMatchObject({ used: 4 });
    expect((await rejection(handle.billing.consume('executions', 2))).code).toBe('quota_exceeded');
    expect(await held.commit(3)).toMatchObject({ used: 3 });
    expect((await rejection(held.commit(3))).code).toBe('conflict');

    const released = await handle.billing.reserve('executions', 2, { ttlMs: 10_000 });
    expect(await handle.billing.check('executions')).toMatchObject({ used: 5 });
    expect(await released.release()).toBe(true);
    expect(await released.release()).toBe(false);
    expect(await handle.billing.check('executions')).toMatchObject({ used: 3 });

    const expiring = await handle.billing.reserve('executions', 2, { ttlMs: 5_000 });
    expect(await handle.billing.check('executions')).toMatchObject({ used: 5 });
    fixture.clock.advance(5_000);
    expect(await handle.billing.check('executions')).toMatchObject({ used: 3 });
    expect((await rejection(expiring.commit(2))).code).toBe('conflict');
    expect(await expiring.release()).toBe(false);

    // Committing more than reserved needs room for the extra.
    const grow = await handle.billing.reserve('executions', 1, { ttlMs: 5_000 });
    expect((await rejection(grow.commit(3))).code).toBe('quota_exceeded');
    expect(await grow.commit(2)).toMatchObject({ used: 5 });
    const commits = (await handle.billing.usage({ feature: 'executions' })).filter((row) => row.kind === 'commit').map((row) => row.amount);
    expect(commits).toEqual([3, 2]);
  });

  it('rate-limits per API key with GCRA', async () => {
    const { handle } = await fixture.tenant('rates');
    for (let i = 0; i < 3; i++) expect((await handle.billing.rateLimit('api_calls', { apiKeyId: 'key-a' })).allowed).toBe(true);
    const limited = await rejection(handle.billing.rateLimit('api_calls', { apiKeyId: 'key-a' }));
    expect(limited.code).toBe('rate_limited');
    expect(limited.details).toMatchObject({ feature: 'api_calls', limit: 3, retryAfterMs: 20_000 });
    expect((await handle.billing.rateLimit('api_calls', { apiKeyId: 'key-b' })).allowed).toBe(true);
    fixture.clock.advance(20_000);
    expect(await handle.billing.rateLimit('api_calls', { apiKeyId: 'key-a' })).toMatchObject({ allowed: true, remaining: 0 });
    expect((await rejection(handle.billing.rateLimit('api_calls'))).issues[0]?.path).toBe('apiKeyId');
  });

  it('admits exactly the limit under in-process concurrency, and keeps tenants apart', async () => {
    const a = await fixture.tenant('crowd-a');
    const b = await fixture.tenant('crowd-b');
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).handle.billing.consume('executions')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => isAuterityError(o.reason, 'quota_exceeded'))).toBe(true);
    expect(await a.handle.billing.check('executions')).toMatchObject({ used: 5 });
    expect(await b.handle.billing.check('executions')).toMatchObject({ used: 5 });
    expect(await a.handle.billing.usage()).toHaveLength(5);
  });
});
