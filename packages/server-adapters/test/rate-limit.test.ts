// Rate limits through the billing engine, on SQLite with billing's clock held still: every
// authenticated request counts against the plan's `api_calls` (free: 60 per minute, per API key);
// the 61st is a 429 with Retry-After and the limit, each key has its own budget, the host's users
// share one per tenant, and time gives requests back at the plan's rate.
import { autoPlansInput, definePlans } from '@auterity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type FetchHandler } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';

let fixture: TestEngine;
let clock: number;
let handler: FetchHandler;

const FREE_RATE = 60; // api_calls per minute on the default catalog's free plan

const host = (tenantId: string, userId: string) => ({ 'x-tenant': tenantId, 'x-user': userId });

async function status(headers: Record<string, string>, path = '/v1/members') {
  const response = await handler(new Request(`http://localhost${path}`, { headers }));
  await response.body?.cancel();
  return response.status;
}

/** Sends `count` requests and returns their statuses, in order. */
async function burst(headers: Record<string, string>, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push(await status(headers));
  return statuses;
}

async function refusal(headers: Record<string, string>) {
  const response = await handler(new Request('http://localhost/v1/members', { headers }));
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error: { code: string; message: string } } };
}

beforeAll(async () => {
  clock = Date.UTC(2030, 0, 1);
  fixture = await createTestEngine('sqlite', { billing: { now: () => clock } });
  for (const id of ['acme', 'globex']) await fixture.engine.tenants.create({ id, plan: 'free' });
  handler = createHandler(fixture.engine, {
    auth: (request) => {
      const tenantId = request.headers.get('x-tenant');
      return tenantId ? { tenantId, actor: { id: request.headers.get('x-user') ?? 'someone', roles: ['admin'] } } : null;
    },
  });
});
afterAll(async () => {
  await fixture.close();
});

describe('rate limits through the billing engine', () => {
  it('admits exactly the plan rate per API key, then 429s with Retry-After and the limit', async () => {
    const key = await fixture.engine.apiKeys.create('acme');
    expect(await burst(bearer(key.key), FREE_RATE)).toEqual(Array(FREE_RATE).fill(200));
    const refused = await refusal(bearer(key.key));
    expect(refused).toEqual({
      status: 429,
      // One request comes back every 60 s / 60 = 1 s.
      retryAfter: '1',
      body: { error: { code: 'rate_limited', message: 'Rate limit of "api_calls" reached: 60 per minute; retry in 1000 ms.' } },
    });
    // Refusals are not counted: after the wait, exactly one more request is admitted.
    clock += 1_000;
    expect(await burst(bearer(key.key), 2)).toEqual([200, 429]);
  });

  it('gives every key of a tenant its own budget', async () => {
    const first = await fixture.engine.apiKeys.create('acme');
    const second = await fixture.engine.apiKeys.create('acme');
    expect(await burst(bearer(first.key), FREE_RATE + 1)).toEqual([...Array(FREE_RATE).fill(200), 429]);
    expect(await burst(bearer(second.key), FREE_RATE + 1)).toEqual([...Array(FREE_RATE).fill(200), 429]);
  });

  it("counts the host's users per tenant: one shared budget, apart from other tenants'", async () => {
    const alice = host('globex', 'alice');
    const bob = host('globex', 'bob');
    expect(await burst(alice, FREE_RATE / 2)).toEqual(Array(FREE_RATE / 2).fill(200));
    expect(await burst(bob, FREE_RATE / 2)).toEqual(Array(FREE_RATE / 2).fill(200));
    const refused = await refusal(alice);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body.error.message).toContain('60 per minute');
    expect(await status(bob)).toBe(429);
    // Another tenant's users, and the tenant's own API keys, have budgets of their own.
    expect(await status(host('acme', 'carol'))).toBe(200);
    expect(await status(bearer((await fixture.engine.apiKeys.create('globex')).key))).toBe(200);
  });

  it('counts every authenticated route but never public ones', async () => {
    const key = await fixture.engine.apiKeys.create('acme');
    expect(await burst(bearer(key.key), FREE_RATE)).toEqual(Array(FREE_RATE).fill(200));
    expect(await status(bearer(key.key), '/v1/subscription')).toBe(429);
    expect(await status(bearer(key.key), '/v1/health')).toBe(200);
    // Unauthenticated requests are refused before they could count against anyone.
    expect(await status({}, '/v1/members')).toBe(401);
  });

  it('limits nothing with rateLimit: false, or when the catalog has no such rate feature', async () => {
    const key = await fixture.engine.apiKeys.create('acme');
    expect(await burst(bearer(key.key), FREE_RATE)).toEqual(Array(FREE_RATE).fill(200));
    for (const rateLimit of [false, { feature: 'no_such_feature' }, { feature: 'executions' }] as const) {
      const unlimited = createHandler(fixture.engine, { limits: { rateLimit } });
      const response = await unlimited(new Request('http://localhost/v1/members', { headers: bearer(key.key) }));
      expect(response.status).toBe(200);
    }
  });

  it('counts against the feature named in the options, scoped as the catalog says', async () => {
    const catalog = definePlans({
      ...autoPlansInput,
      features: { ...autoPlansInput.features, team_calls: { type: 'rate', per: 'hour', scope: 'tenant' } },
      plans: autoPlansInput.plans.map((plan) => ({ ...plan, features: { ...plan.features, team_calls: 3 } })),
    });
    const teamClock = Date.UTC(2030, 0, 1);
    const team = await createTestEngine('sqlite', { billing: { catalog, now: () => teamClock } });
    try {
      await team.engine.tenants.create({ id: 'acme', plan: 'free' });
      const limited = createHandler(team.engine, { limits: { rateLimit: { feature: 'team_calls' } } });
      const keys = await Promise.all([team.engine.apiKeys.create('acme'), team.engine.apiKeys.create('acme')]);
      const replies: { status: number; retryAfter: string | null; text: string }[] = [];
      for (const key of [keys[0], keys[1], keys[0], keys[1]]) {
        const response = await limited(new Request('http://localhost/v1/members', { headers: bearer(key.key) }));
        replies.push({ status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() });
      }
      const statuses = replies.map((reply) => reply.status);
      // 3 per hour: the next one in 20 minutes.
      expect(replies[3]!.retryAfter).toBe('1200');
      expect(JSON.parse(replies[3]!.text)).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('"team_calls" reached: 3 per hour') } });
      // A tenant-wide feature: both keys draw on one budget.
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await team.close();
    }
  });
});
