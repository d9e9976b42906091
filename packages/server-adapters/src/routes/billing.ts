// A tenant's plan and usage (DESIGN §4): the catalog, its subscription, entitlements and the usage
// ledger, Checkout and the customer portal, and the provider's webhook (verified on the raw bytes).
// Scopes: billing:read, billing:write, usage:write.
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { defineRoute } from './route.js';
import { listOf, timestamp } from './schemas.js';

const interval = z.enum(['month', 'year']);
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000);

const subscriptionSchema = z.object({
  tenantId: z.string(),
  planId: z.string(),
  planVersion: z.number().int(),
  status: z.enum(['trialing', 'active', 'past_due', 'canceled']),
  interval,
  anchorAt: timestamp,
  currentPeriodStart: timestamp,
  currentPeriodEnd: timestamp,
  trialEndsAt: timestamp.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  pendingPlanId: z.string().nullable().meta({ description: 'A downgrade scheduled for the end of the period.' }),
  addons: z.array(z.string()),
  provider: z.enum(['local', 'stripe']),
});

const checkSchema = z.object({
  feature: z.string(),
  allowed: z.boolean(),
  limit: z.number().nullable().meta({ description: 'null: unlimited (or not a counted feature).' }),
  used: z.number(),
  remaining: z.number().nullable(),
  resetsAt: timestamp.nullable(),
  reason: z.enum(['within_limit', 'unlimited', 'not_in_plan', 'limit_reached', 'overage_billed', 'overage_warned']),
});

const consumeSchema = checkSchema.extend({
  replayed: z.boolean().meta({ description: 'The idempotency key was seen before: nothing was counted again.' }),
  overage: z.number(),
});

const usageRecordSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  feature: z.string(),
  amount: z.number(),
  at: timestamp,
  idempotencyKey: z.string().nullable(),
  kind: z.enum(['consume', 'commit']),
});

const planSchema = z.looseObject({ id: z.string(), version: z.number().int(), name: z.string(), latest: z.boolean() });

const feature = z.object({ feature: z.string().min(1).max(128).meta({ description: 'A feature of the plan catalog, e.g. `executions`.' }) });

export const billingRoutes = [
  defineRoute({
    method: 'GET',
    path: '/plans',
    operationId: 'listPlans',
    summary: 'The plan catalog: every plan version with its features and prices',
    tag: 'billing',
    scope: 'billing:read',
    status: 200,
    response: z.object({ currency: z.string(), annualDiscountPercent: z.number(), data: z.array(planSchema) }),
    handle: async ({ engine }) => {
      const { catalog } = engine.billing;
      // Plans are plain JSON (features, prices, trial, version); typed here as open records.
      const data = catalog.plans.map((plan) => ({ ...plan }) as typeof plan & Record<string, unknown>);
      return { currency: catalog.currency, annualDiscountPercent: catalog.annualDiscountPercent, data };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/subscription',
    operationId: 'getSubscription',
    summary: "The tenant's subscription",
    tag: 'billing',
    scope: 'billing:read',
    status: 200,
    response: subscriptionSchema,
    handle: async ({ tenant }) => tenant.billing.subscription.get(),
  }),
  defineRoute({
    method: 'POST',
    path: '/subscription',
    operationId: 'changeSubscription',
    summary: 'Change plan: upgrades apply at once (with proration), downgrades at period end',
    tag: 'billing',
    scope: 'billing:write',
    body: z.strictObject({ planId: z.string().min(1).max(128), interval: interval.optional() }).meta({ examples: [{ planId: 'pro', interval: 'month' }] }),
    status: 200,
    response: z.object({
      subscription: subscriptionSchema,
      effective: z.enum(['immediate', 'period_end']),
      prorationAmount: z.number().meta({ description: 'Minor units charged now (upgrades); 0 otherwise.' }),
      currency: z.string(),
    }),
    handle: async ({ tenant, body }) => tenant.billing.subscription.changePlan(body.planId, body.interval ? { interval: body.interval } : {}),
  }),
  defineRoute({
    method: 'GET',
    path: '/entitlements/{feature}',
    operationId: 'checkEntitlement',
    summary: 'Whether the tenant may use a feature, with its limit, usage and reset',
    tag: 'billing',
    scope: 'billing:read',
    params: feature,
    query: z.object({ amount: z.coerce.number().int().positive().default(1) }),
    status: 200,
    response: checkSchema,
    handle: async ({ tenant, params, query }) => tenant.billing.check(params.feature, query.amount),
  }),
  defineRoute({
    method: 'GET',
    path: '/usage',
    operationId: 'listUsage',
    summary: 'The usage ledger, newest first',
    tag: 'billing',
    scope: 'billing:read',
    query: z.object({
      feature: z.string().min(1).max(128).optional(),
      from: z.coerce.number().int().min(0).optional().meta({ description: 'Epoch ms, inclusive.' }),
      to: z.coerce.number().int().min(0).optional().meta({ description: 'Epoch ms, exclusive.' }),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    status: 200,
    response: listOf(usageRecordSchema),
    handle: async ({ tenant, query }) => ({
      data: await tenant.billing.usage({
        limit: query.limit,
        ...(query.feature !== undefined && { feature: query.feature }),
        ...(query.from !== undefined && { from: query.from }),
        ...(query.to !== undefined && { to: query.to }),
      }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/usage',
    operationId: 'recordUsage',
    summary: 'Count usage of a metered feature atomically (429 quota_exceeded when refused)',
    tag: 'billing',
    scope: 'usage:write',
    body: z
      .strictObject({ feature: z.string().min(1).max(128), amount: z.number().int().positive().default(1), idempotencyKey: z.string().min(1).max(255).optional() })
      .meta({ examples: [{ feature: 'executions', amount: 1, idempotencyKey: 'job-42' }] }),
    status: 200,
    response: consumeSchema,
    handle: async ({ tenant, body }) => tenant.billing.consume(body.feature, body.amount, body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
  }),
  defineRoute({
    method: 'POST',
    path: '/billing/checkout',
    operationId: 'createCheckout',
    summary: "Start a checkout for a plan (the local provider subscribes at once and returns no URL)",
    tag: 'billing',
    scope: 'billing:write',
    body: z
      .strictObject({ planId: z.string().min(1).max(128), interval: interval.optional(), successUrl: url, cancelUrl: url })
      .meta({ examples: [{ planId: 'pro', successUrl: 'https://app.example.com/billing?ok=1', cancelUrl: 'https://app.example.com/billing' }] }),
    status: 200,
    response: z.object({ url: z.string().nullable(), id: z.string().nullable(), subscription: subscriptionSchema.optional() }),
    handle: async ({ engine, tenant, body }) =>
      engine.billing.provider.checkout({
        tenantId: tenant.tenantId,
        planId: body.planId,
        successUrl: body.successUrl,
        cancelUrl: body.cancelUrl,
        ...(body.interval && { interval: body.interval }),
      }),
  }),
  defineRoute({
    method: 'POST',
    path: '/billing/portal',
    operationId: 'createPortalSession',
    summary: "A customer portal session URL (null when the provider has none)",
    tag: 'billing',
    scope: 'billing:write',
    body: z.strictObject({ returnUrl: url }).meta({ examples: [{ returnUrl: 'https://app.example.com/billing' }] }),
    status: 200,
    response: z.object({ url: z.string().nullable() }),
    handle: async ({ engine, tenant, body }) => engine.billing.provider.portal({ tenantId: tenant.tenantId, returnUrl: body.returnUrl }),
  }),
  defineRoute({
    method: 'POST',
    path: '/billing/stripe/webhook',
    operationId: 'stripeWebhook',
    summary: "Stripe's webhook: the signature is verified on the raw body, and each event applies once",
    tag: 'billing',
    scope: null, // authenticated by the Stripe-Signature header, not by a tenant credential
    rawBody: true,
    status: 200,
    response: z.object({ eventId: z.string(), type: z.string(), duplicate: z.boolean(), handled: z.boolean() }),
    handle: async ({ engine, request, rawBody }) => {
      const signature = request.headers.get('stripe-signature');
      if (signature === null) throw new HttpError(400, 'invalid_input', 'Missing Stripe-Signature header.', [{ path: 'Stripe-Signature', message: 'required' }]);
      return engine.billing.provider.handleWebhook(rawBody ?? new Uint8Array(0), signature);
    },
  }),
];
