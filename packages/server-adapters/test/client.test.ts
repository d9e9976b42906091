// @auterity/core/client against the real server: typed calls, typed errors carrying the envelope,
// and the SSE subscription's Last-Event-ID reconnects.
import { createClient, isAuterityApiError, type ApiKey, type AuterityApiError, type Member } from '@auterity/core/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { createHandler, sseResponse } from '../src/index.js';
import type { apiKeySchema } from '../src/routes/api-keys.js';
import type { memberSchema } from '../src/routes/members.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';
import { startAdapter, type RunningAdapter } from './support/servers.js';

let fixture: TestEngine;
let server: RunningAdapter;
let key: string;
let limitedKey: string;
const seenLastEventIds: (string | null)[] = [];

beforeAll(async () => {
  // Billing's clock stands still, so a spent API rate stays spent for the 429 test.
  const frozen = Date.now();
  fixture = await createTestEngine('sqlite', { billing: { now: () => frozen } });
  key = (await fixture.tenantWithKey('acme', undefined, 'free')).key;
  limitedKey = (await fixture.tenantWithKey('limited', undefined, 'free')).key;
  const handler = createHandler(fixture.engine, { basePath: '/api' });
  const limited = createHandler(fixture.engine, { basePath: '/limited' });
  // The free plan's 60 API calls per minute, spent.
  const spent: number[] = [];
  for (let i = 0; i < 60; i++) spent.push((await limited(new Request('http://localhost/limited/v1/members', { headers: bearer(limitedKey) }))).status);
  if (spent.some((status) => status !== 200)) throw new Error(`spending the rate: ${spent.join(',')}`);
  server = await startAdapter('node', async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/limited/')) return limited(request);
    if (pathname === '/api/v1/test/events') {
      // Five events, two per connection; once the client has them all, 204 tells it to stop.
      const last = request.headers.get('last-event-id');
      seenLastEventIds.push(last);
      const from = last === null ? 1 : Number(last) + 1;
      if (from > 5) return new Response(null, { status: 204 });
      return sseResponse(request, async function* () {
        for (let n = from; n < from + 2 && n <= 5; n++) yield { id: String(n), event: 'tick', data: { n } };
      }, { retryMs: 1 });
    }
    return handler(request);
  });
});
afterAll(async () => {
  await server.close();
  await fixture.close();
});

describe('@auterity/core/client', () => {
  it('has wire types that match the server schemas', () => {
    expectTypeOf<z.output<typeof memberSchema>>().toEqualTypeOf<Member>();
    expectTypeOf<z.output<typeof apiKeySchema>>().toEqualTypeOf<ApiKey>();
  });

  it('manages members and API keys with typed calls', async () => {
    const client = createClient({ baseUrl: `${server.url}/api/`, getToken: () => key });
    expect(await client.health()).toEqual({ status: 'ok' });
    const member = await client.members.add({ email: 'Grace@Example.com', roles: ['admin'], name: 'Grace' });
    expect(member).toMatchObject({ email: 'grace@example.com', tenantId: 'acme' });
    expect(await client.members.get(member.id)).toEqual(member);
    expect((await client.members.update(member.id, { name: null })).name).toBeNull();
    expect((await client.members.list()).map((m) => m.id)).toEqual([member.id]);
    await client.members.remove(member.id);
    expect(await client.members.list()).toEqual([]);

    const created = await client.apiKeys.create({ name: 'bot', scopes: ['members:read'] });
    const bot = createClient({ baseUrl: `${server.url}/api`, headers: () => ({ authorization: `Bearer ${created.key}` }) });
    expect(await bot.members.list()).toEqual([]);
    expect((await client.apiKeys.revoke(created.id)).revokedAt).toEqual(expect.any(Number));
    expect((await client.apiKeys.list()).map((k) => k.id)).toContain(created.id);
    expect(await client.request<{ status: string }>('GET', '/health')).toEqual({ status: 'ok' });
  });

  it('manages policies, decisions, the audit log and approvals with typed calls', async () => {
    const client = createClient({ baseUrl: `${server.url}/api`, getToken: () => key });
    const policy = await client.policies.put({ id: 'no-deletes', rules: [{ effect: 'deny', actions: ['workflow:delete'] }] });
    expect(policy.rules[0]!.resources).toEqual(['*']);
    expect(await client.policies.list()).toEqual([policy]);
    const decision = await client.authorize({ action: 'workflow:delete', resource: { id: 'workflow:1' } });
    expect(decision).toMatchObject({ allowed: false, decidedBy: { policyId: 'no-deletes' } });
    await client.policies.remove('no-deletes');
    expect((await client.audit.list({ limit: 10 })).map((entry) => entry.action)).toContain('policy.deleted');
    expect(await client.audit.verify()).toMatchObject({ ok: true });
    expect(await client.approvals.list({ status: 'pending' })).toEqual([]);
    const missing = await client.approvals.approve('apr_missing', 'ok').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('reads plans, the subscription and entitlements, and records usage', async () => {
    const client = createClient({ baseUrl: `${server.url}/api`, getToken: () => key });
    expect((await client.plans()).data.map((plan) => plan.id)).toContain('free');
    expect((await client.subscription.get()).planId).toBe('free');
    expect(await client.entitlement('executions', 2)).toMatchObject({ feature: 'executions', allowed: true });
    expect(await client.usage.record({ feature: 'executions', idempotencyKey: 'c-1' })).toMatchObject({ replayed: false });
    expect((await client.usage.list({ feature: 'executions' })).map((record) => record.idempotencyKey)).toContain('c-1');
    const refused = await client.usage.record({ feature: 'executions', amount: 1_000_000_000 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'quota_exceeded', retryAfter: expect.any(Number) });
    expect((await client.subscription.change('pro')).subscription.planId).toBe('pro');
    expect(await client.billing.portal('https://app.example/billing')).toEqual({ url: null });
  });

  it('throws AuterityApiError carrying the envelope, status and issues', async () => {
    const client = createClient({ baseUrl: `${server.url}/api`, getToken: () => key });
    const error = (await client.members.add({ email: 'nope', roles: [] }).catch((e: unknown) => e)) as AuterityApiError;
    expect(isAuterityApiError(error, 'invalid_input')).toBe(true);
    expect(error.status).toBe(400);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['email', 'roles']);
    expect(error.envelope.error.code).toBe('invalid_input');

    const missing = await client.members.get('mem_missing').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const anonymous = await createClient({ baseUrl: `${server.url}/api` }).members.list().catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('reports Retry-After on 429 and a non-envelope answer as unexpected_response', async () => {
    const limited = await createClient({ baseUrl: `${server.url}/limited`, getToken: () => limitedKey }).members.list().catch((e: unknown) => e);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: expect.any(Number) });
    const proxy = createClient({ baseUrl: 'http://proxy.invalid', fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }) });
    expect(await proxy.health().catch((e: unknown) => e)).toMatchObject({ status: 502, code: 'unexpected_response' });
  });

  it('subscribes to SSE and reconnects with Last-Event-ID until the server says 204', async () => {
    const client = createClient({ baseUrl: `${server.url}/api`, getToken: () => key });
    const received: { id?: string; event: string; data: string }[] = [];
    for await (const event of client.subscribe('/test/events')) received.push(event);
    expect(received.map((event) => event.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(received[0]).toEqual({ id: '1', event: 'tick', data: '{"n":1}' });
    expect(seenLastEventIds).toEqual([null, '2', '4', '5']);
  });

  it('stops a subscription when its signal aborts', async () => {
    const client = createClient({ baseUrl: `${server.url}/api`, getToken: () => key });
    const abort = new AbortController();
    const received: string[] = [];
    for await (const event of client.subscribe('/test/events', { signal: abort.signal, lastEventId: '2' })) {
      received.push(event.id!);
      abort.abort();
    }
    expect(received).toEqual(['3']);
  });
});
