// The Stripe provider through the real stripe-node client, pointed at a local server that speaks
// Stripe's wire format; webhooks signed with stripe.webhooks.generateTestHeaderString.
import { randomBytes } from 'node:crypto';
import { Stripe } from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@auterity/testing';
import { autoPlansInput, createAuterity, definePlans, type Auterity } from '@auterity/core';
import { createClock } from './fixtures.js';
import { startFakeStripe, type FakeStripe } from './stripe/fake-stripe.js';

const WEBHOOK_SECRET = 'whsec_test_auterity';
const signer = new Stripe('sk_test_signer');

function signed(type: string, object: Record<string, unknown>, created: number, id = `evt_${randomBytes(8).toString('hex')}`) {
  const payload = JSON.stringify({ id, object: 'event', api_version: '2026-10-28.endive', type, created, livemode: false, pending_webhooks: 0, request: null, data: { object } });
  return { id, payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) };
}

function subscription(tenantId: string, options: { id?: string; status: string; lookupKey: string; interval?: string; cancelAtPeriodEnd?: boolean; trialEnd?: number | null }) {
  const start = 1_780_000_000;
  return {
    id: options.id ?? `sub_${tenantId}`,
    object: 'subscription',
    customer: `cus_${tenantId}`,
    status: options.status,
    metadata: { tenant_id: tenantId },
    cancel_at_period_end: options.cancelAtPeriodEnd ?? false,
    trial_end: options.trialEnd ?? null,
    billing_cycle_anchor: start,
    start_date: start,
    items: {
      object: 'list',
      data: [{ id: 'si_1', object: 'subscription_item', price: { id: 'price_x', object: 'price', lookup_key: options.lookupKey, recurring: { interval: options.interval ?? 'month' } }, current_period_start: start, current_period_end: start + 30 * 86_400 }],
    },
  };
}

describe('stripe provider', () => {
  let db: TestDatabase;
  let fake: FakeStripe;
  let engine: Auterity;
  const clock = createClock();
  const stripeOptions = () => ({ secretKey: 'sk_test_auterity', webhookSecret: WEBHOOK_SECRET, host: '127.0.0.1', port: fake.port, protocol: 'http' as const });

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    fake = await startFakeStripe();
    engine = createAuterity({ database: db.url, billing: { now: clock.now, stripe: stripeOptions() } });
  });
  afterAll(async () => {
    await engine.close();
    await fake.close();
    await db.drop();
  });

  it('is chosen when a Stripe secret key is configured', () => {
    expect(engine.billing.provider.name).toBe('stripe');
  });

  it('pushes products and prices by lookup key; a second push changes nothing', async () => {
    const first = await engine.billing.provider.pushPlans();
    expect(first.created).toEqual(['auterity_free', 'auterity_pro', 'auterity_business', 'auterity:free:v1:month', 'auterity:free:v1:year', 'auterity:pro:v1:month', 'auterity:pro:v1:year', 'auterity:business:v1:month', 'auterity:business:v1:year']);
    const proAnnual = [...fake.prices.values()].find((price) => price['lookup_key'] === 'auterity:pro:v1:year');
    expect(proAnnual).toMatchObject({ unit_amount: 29_580, currency: 'usd', recurring: { interval: 'year' }, product: 'auterity_pro' });

    const before = fake.requests.length;
    const second = await engine.billing.provider.pushPlans();
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(fake.requests.slice(before).filter((request) => request.method !== 'GET')).toEqual([]);

    // A changed price moves the lookup key to a new Price; the old one keeps existing.
    const repriced = definePlans({ ...autoPlansInput, plans: autoPlansInput.plans.map((plan) => (plan.id === 'pro' ? { ...plan, monthly: 3_900 } : plan)) });
    const other = createAuterity({ database: db.url, billing: { catalog: repriced, stripe: stripeOptions() } });
    try {
      expect(await other.billing.provider.pushPlans()).toMatchObject({ created: [], updated: ['auterity:pro:v1:month', 'auterity:pro:v1:year'] });
    } finally {
      await other.close();
    }
    const holders = [...fake.prices.values()].filter((price) => price['lookup_key'] === 'auterity:pro:v1:month');
    expect(holders).toHaveLength(1);
    expect(holders[0]).toMatchObject({ unit_amount: 3_900 });
  });

  it('opens Checkout for a plan with its trial, and the portal once the tenant is a customer', async () => {
    await engine.tenants.create({ id: 'shop' });
    const session = await engine.billing.provider.checkout({ tenantId: 'shop', planId: 'pro', successUrl: 'https://isv.example/ok', cancelUrl: 'https://isv.example/no' });
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const request = fake.requests.findLast((r) => r.path === '/v1/checkout/sessions');
    expect(request?.body).toMatchObject({ mode: 'subscription', client_reference_id: 'shop', subscription_data: { trial_period_days: '14', metadata: { tenant_id: 'shop' } } });
    await expect(engine.billing.provider.portal({ tenantId: 'shop', returnUrl: 'https://isv.example' })).rejects.toMatchObject({ code: 'conflict' });

    const created = signed('customer.subscription.created', subscription('shop', { status: 'trialing', lookupKey: 'auterity:pro:v1:month', trialEnd: 1_781_209_600 }), 1_780_000_000);
    expect(await engine.billing.provider.handleWebhook(created.payload, created.signature)).toMatchObject({ handled: true, duplicate: false });
    expect(await engine.tenant('shop', { id: 'o', roles: [] }).billing.subscription.get()).toMatchObject({ planId: 'pro', status: 'trialing', provider: 'stripe', trialEndsAt: 1_781_209_600_000 });
    expect((await engine.billing.provider.portal({ tenantId: 'shop', returnUrl: 'https://isv.example' })).url).toMatch(/^https:\/\/billing\.stripe\.com\//);
    expect(await engine.billing.provider.checkout({ tenantId: 'shop', planId: 'business', successUrl: 'https://isv.example/ok', cancelUrl: 'https://isv.example/no' })).toMatchObject({ id: expect.any(String) });
    expect(fake.requests.findLast((r) => r.path === '/v1/checkout/sessions')?.body).toMatchObject({ customer: 'cus_shop' });
  });

  it('refuses a bad signature and a parsed body, and applies a replayed event once', async () => {
    await engine.tenants.create({ id: 'replay' });
    const event = signed('customer.subscription.created', subscription('replay', { status: 'active', lookupKey: 'auterity:business:v1:month' }), 1_780_000_100);
    await expect(engine.billing.provider.handleWebhook(event.payload, event.signature.replace(/v1=([0-9a-f])/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(engine.billing.provider.handleWebhook(event.payload.replace('"active"', '"canceled"'), event.signature)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(engine.billing.provider.handleWebhook(JSON.parse(event.payload) as string, event.signature)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await engine.tenants.get('replay')).toMatchObject({ plan: 'free' });

    expect(await engine.billing.provider.handleWebhook(Buffer.from(event.payload), event.signature)).toMatchObject({ duplicate: false, handled: true });
    const handle = engine.tenant('replay', { id: 'o', roles: [] });
    await handle.billing.subscription.cancel({ atPeriodEnd: false }); // a local change after the event
    expect(await engine.billing.provider.handleWebhook(event.payload, event.signature)).toMatchObject({ duplicate: true });
    expect(await handle.billing.subscription.get()).toMatchObject({ planId: 'free', status: 'canceled' });
  });

  it('ends in the right state whatever order subscription and invoice events arrive in', async () => {
    const t = 1_780_001_000;
    const events = (tenantId: string) => [
      signed('customer.subscription.created', subscription(tenantId, { status: 'trialing', lookupKey: 'auterity:pro:v1:month' }), t),
      signed('customer.subscription.updated', subscription(tenantId, { status: 'active', lookupKey: 'auterity:pro:v1:month' }), t + 10),
      signed('invoice.payment_failed', { id: 'in_1', object: 'invoice', customer: `cus_${tenantId}`, parent: { subscription_details: { subscription: `sub_${tenantId}`, metadata: { tenant_id: tenantId } } } }, t + 20),
      signed('customer.subscription.updated', subscription(tenantId, { status: 'past_due', lookupKey: 'auterity:business:v1:year', interval: 'year' }), t + 20),
      signed('invoice.paid', { id: 'in_2', object: 'invoice', customer: `cus_${tenantId}`, parent: { subscription_details: { subscription: `sub_${tenantId}`, metadata: { tenant_id: tenantId } } } }, t + 30),
    ];
    const orders = [
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [2, 0, 4, 1, 3],
      [3, 4, 0, 2, 1],
    ];
    for (const [n, order] of orders.entries()) {
      const tenantId = `order-${n}`;
      await engine.tenants.create({ id: tenantId });
      const list = events(tenantId);
      for (const index of order) await engine.billing.provider.handleWebhook(list[index]!.payload, list[index]!.signature);
      expect(await engine.tenant(tenantId, { id: 'o', roles: [] }).billing.subscription.get(), `order ${order.join(',')}`).toMatchObject({ planId: 'business', interval: 'year', status: 'active' });
    }

    // A deletion is final, even when an older update arrives after it.
    await engine.tenants.create({ id: 'deleted' });
    const deleted = signed('customer.subscription.deleted', subscription('deleted', { status: 'canceled', lookupKey: 'auterity:pro:v1:month' }), t + 50);
    const stale = signed('customer.subscription.updated', subscription('deleted', { status: 'active', lookupKey: 'auterity:pro:v1:month' }), t + 40);
    const sameSecond = signed('customer.subscription.updated', subscription('deleted', { status: 'active', lookupKey: 'auterity:pro:v1:month' }), t + 50);
    for (const event of [deleted, stale, sameSecond]) await engine.billing.provider.handleWebhook(event.payload, event.signature);
    expect(await engine.tenant('deleted', { id: 'o', roles: [] }).billing.subscription.get()).toMatchObject({ planId: 'free', status: 'canceled' });
    expect(await engine.tenants.get('deleted')).toMatchObject({ plan: 'free' });
  });

  it("refuses to set directly the plan of a tenant whose Stripe subscription decides it", async () => {
    await engine.tenants.create({ id: 'subscribed' });
    const created = signed('customer.subscription.created', subscription('subscribed', { status: 'active', lookupKey: 'auterity:pro:v1:month' }), 1_780_002_000);
    await engine.billing.provider.handleWebhook(created.payload, created.signature);
    expect(await engine.tenants.get('subscribed')).toMatchObject({ plan: 'pro' });
    const refused = await engine.tenants.update('subscribed', { plan: 'business' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'conflict', details: { provider: 'stripe', subscription: 'sub_subscribed', plan: 'pro' } });
    expect((refused as Error).message).toMatch(/billed through stripe \(subscription sub_subscribed\).*checkout or portal/);
    // Nothing changed; the name and the same plan can still be set.
    expect(await engine.tenant('subscribed', { id: 'o', roles: [] }).billing.subscription.get()).toMatchObject({ planId: 'pro', status: 'active' });
    expect(await engine.tenants.update('subscribed', { name: 'Subscribed Inc', plan: 'pro' })).toMatchObject({ name: 'Subscribed Inc', plan: 'pro' });
    // Once the subscription is canceled, the tenant's plan is the host's to set again.
    const canceled = signed('customer.subscription.deleted', subscription('subscribed', { status: 'canceled', lookupKey: 'auterity:pro:v1:month' }), 1_780_002_100);
    await engine.billing.provider.handleWebhook(canceled.payload, canceled.signature);
    expect(await engine.tenants.update('subscribed', { plan: 'business' })).toMatchObject({ plan: 'business' });
  });
});

describe.each(['sql', 'redis'] as const)('stripe usage reporting from the %s ledger', (backend) => {
  let db: TestDatabase;
  let redis: TestRedis | undefined;
  let fake: FakeStripe;
  let engine: Auterity;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    if (backend === 'redis') redis = await createTestRedis();
    fake = await startFakeStripe();
    engine = createAuterity({
      database: db.url,
      ...(redis && { redis: redis.url }),
      billing: { backend, ...(redis && { redisPrefix: redis.prefix }), stripe: { secretKey: 'sk_test_auterity', webhookSecret: WEBHOOK_SECRET, host: '127.0.0.1', port: fake.port, protocol: 'http' } },
    });
  });
  afterAll(async () => {
    await engine.close();
    await fake.close();
    await redis?.cleanup();
    await db.drop();
  });

  it('sends metered usage to Stripe meters in batches, de-duplicated, retried until acknowledged', async () => {
    await engine.tenants.create({ id: 'metered' });
    await engine.tenants.create({ id: 'no-customer' });
    const sub = signed('customer.subscription.created', subscription('metered', { status: 'active', lookupKey: 'auterity:business:v1:month' }), 1_780_002_000);
    await engine.billing.provider.handleWebhook(sub.payload, sub.signature);
    const billing = engine.tenant('metered', { id: 'o', roles: [] }).billing;
    for (let i = 0; i < 150; i++) await billing.consume('executions', 1, { idempotencyKey: `run-${i}` });
    await billing.consume('ai_tokens', 1_234);
    await engine.tenant('no-customer', { id: 'o', roles: [] }).billing.consume('executions', 1);

    fake.failMeterEvents = 30;
    const first = await engine.billing.provider.reportUsage();
    expect(first.failed).toBeGreaterThan(0);
    let runs = 0;
    while ((await engine.billing.provider.reportUsage()).reported > 0) runs++;
    expect(runs).toBeLessThan(5);
    expect(await engine.billing.provider.reportUsage()).toEqual({ reported: 0, failed: 0 });

    const events = [...fake.meterEvents.values()];
    expect(events).toHaveLength(151); // a tenant without a Stripe customer reports nothing
    const ledger = await billing.usage();
    expect(new Set(events.map((event) => event['identifier']))).toEqual(new Set(ledger.map((row) => row.id)));
    expect(events.find((event) => event['event_name'] === 'auterity_ai_tokens')).toMatchObject({ payload: { value: '1234', stripe_customer_id: 'cus_metered' } });
  });
});
