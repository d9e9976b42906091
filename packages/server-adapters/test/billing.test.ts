// The billing routes on the default catalog and the local provider: plans, subscription changes,
// entitlements, atomic usage with idempotency, 429 with Retry-After and the limit, checkout, portal
// and the webhook's refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type FetchHandler } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';

let fixture: TestEngine;
let handler: FetchHandler;
let admin: Record<string, string>;

async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const init: RequestInit = { method, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await handler(new Request(`http://localhost/v1${path}`, init));
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  fixture = await createTestEngine();
  admin = bearer((await fixture.tenantWithKey('acme', undefined, 'free')).key);
  handler = createHandler(fixture.engine);
});
afterAll(async () => {
  await fixture.close();
});

describe('billing routes', () => {
  it('lists the plan catalog', async () => {
    const reply = await send('GET', '/plans', admin);
    expect(reply.status).toBe(200);
    const ids = (reply.json as { data: { id: string }[] }).data.map((plan) => plan.id);
    expect(ids).toEqual(expect.arrayContaining(['free', 'pro']));
  });

  it('reads and changes the subscription', async () => {
    expect((await send('GET', '/subscription', admin)).json).toMatchObject({ tenantId: 'acme', planId: 'free' });
    const upgraded = await send('POST', '/subscription', admin, { planId: 'pro' });
    expect(upgraded.status).toBe(200);
    expect(upgraded.json).toMatchObject({ effective: 'immediate', subscription: { planId: 'pro' } });
    const unknown = await send('POST', '/subscription', admin, { planId: 'platinum' });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
  });

  it('checks entitlements and counts usage once per idempotency key', async () => {
    const before = await send('GET', '/entitlements/executions', admin);
    expect(before.json).toMatchObject({ feature: 'executions', allowed: true, used: 0 });
    const first = await send('POST', '/usage', admin, { feature: 'executions', amount: 2, idempotencyKey: 'job-1' });
    expect(first.json).toMatchObject({ replayed: false, used: 2 });
    const again = await send('POST', '/usage', admin, { feature: 'executions', amount: 2, idempotencyKey: 'job-1' });
    expect(again.json).toMatchObject({ replayed: true, used: 2 });
    const ledger = await send('GET', '/usage?feature=executions', admin);
    expect((ledger.json as { data: { idempotencyKey: string }[] }).data.map((record) => record.idempotencyKey)).toEqual(['job-1']);
  });

  it('429s a refused consume with Retry-After and a message naming the limit', async () => {
    const reply = await send('POST', '/usage', admin, { feature: 'executions', amount: 100_000_000 });
    expect(reply.status).toBe(429);
    expect(reply.json).toMatchObject({ error: { code: 'quota_exceeded', message: expect.stringMatching(/limit \d+/) } });
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('runs checkout and the portal through the local provider', async () => {
    const checkout = await send('POST', '/billing/checkout', admin, { planId: 'business', successUrl: 'https://app.example/ok', cancelUrl: 'https://app.example/no' });
    expect(checkout.status).toBe(200);
    expect(checkout.json).toMatchObject({ url: null });
    const badUrl = await send('POST', '/billing/checkout', admin, { planId: 'business', successUrl: 'javascript:alert(1)', cancelUrl: 'https://app.example/no' });
    expect(badUrl.status).toBe(400);
    expect((await send('POST', '/billing/portal', admin, { returnUrl: 'https://app.example/billing' })).json).toEqual({ url: null });
  });

  it('refuses webhooks without a signature, and on the local provider', async () => {
    const unsigned = await send('POST', '/billing/stripe/webhook', {}, '{"id":"evt_1"}');
    expect(unsigned.status).toBe(400);
    const local = await send('POST', '/billing/stripe/webhook', { 'stripe-signature': 't=1,v1=abc' }, '{"id":"evt_1"}');
    expect(local.status).toBe(404);
    expect(local.json).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('STRIPE_SECRET_KEY') } });
  });

  it('403s keys without the billing scopes', async () => {
    const reader = bearer((await fixture.tenantWithKey('acme', ['billing:read'], 'free')).key);
    expect((await send('GET', '/subscription', reader)).status).toBe(200);
    expect((await send('POST', '/usage', reader, { feature: 'executions' })).status).toBe(403);
  });
});
