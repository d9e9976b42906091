// Stripe through the official stripe-node client: catalog push by lookup key, Checkout, Customer
// Portal, signed and idempotent webhooks, and metered usage sent to Billing meters.
//
// Webhooks are verified on the raw bytes (a re-serialised body breaks the signature), recorded by
// event id in the tenant's billing_events (a replay changes nothing), and ordered by the event's
// `created` time: an event older than the state already applied is ignored, and at equal times a
// deletion wins, so any arrival order ends in the same state.
import type Stripe from 'stripe';
import { AuterityError } from '../../../errors.js';
import type { TenantScope } from '../../../storage/index.js';
import { isForeignKeyViolation } from '../../../storage/index.js';
import type { Catalog, Plan } from '../../catalog/catalog.js';
import { windowAt } from '../../entitlements/periods.js';
import type { BillingInterval } from '../../subscriptions/subscriptions.js';
import type { QuotaBackend } from '../../backends/types.js';
import type { BillingProvider, PushResult, UsageReport, WebhookResult } from '../types.js';
import { checkoutSessionSchema, invoiceSchema, refId, stripeEventSchema, subscriptionSchema, type StripeSubscriptionObject } from './events.js';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret?: string;
  /** For a Stripe-compatible server (tests, proxies): host, port and protocol of the API. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Prefix of lookup keys, product ids and meter event names. Default "auterity". */
  prefix?: string;
}

export interface StripeProviderDeps {
  catalog: Catalog;
  now(): number;
  scopeFor(tenantId: string): TenantScope;
  /** Every tenant id (usage reporting walks them, each through its own scope). */
  tenantIds(): Promise<string[]>;
  changed(tenantId: string): void;
  /** The usage ledger of the quota backend in use (SQL table, Redis stream or memory). */
  ledger: Pick<QuotaBackend, 'unreported' | 'markReported'>;
}

const INTERVALS: readonly BillingInterval[] = ['month', 'year'];
const BATCH = 100;
const STATUS: Record<string, string> = { trialing: 'trialing', active: 'active', past_due: 'past_due', unpaid: 'past_due', incomplete: 'past_due', canceled: 'canceled', incomplete_expired: 'canceled', paused: 'past_due' };

const isMissing = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'resource_missing';

export function createStripeProvider(options: StripeProviderOptions, deps: StripeProviderDeps): BillingProvider {
  const { catalog } = deps;
  // stripe-node is loaded on first use, so engines on the local provider never load it.
  let client: Promise<Stripe> | undefined;
  const api = (): Promise<Stripe> =>
    (client ??= import('stripe').then(
      ({ default: StripeClient }) =>
        new StripeClient(options.secretKey, {
          maxNetworkRetries: 2,
          ...(options.host !== undefined && { host: options.host }),
          ...(options.port !== undefined && { port: options.port }),
          ...(options.protocol !== undefined && { protocol: options.protocol }),
        }),
    ));
  const prefix = options.prefix ?? 'auterity';
  const productId = (planId: string) => `${prefix}_${planId}`;
  const lookupKey = (plan: Plan, interval: BillingInterval) => `${prefix}:${plan.id}:v${plan.version}:${interval}`;
  const meterName = (feature: string) => `${prefix}_${feature}`;
  const parseLookupKey = (key: string | null | undefined): { plan: Plan; interval: BillingInterval } | undefined => {
    const match = key ? /^(.+):([a-z0-9_-]+):v(\d+):(month|year)$/.exec(key) : null;
    if (!match || match[1] !== prefix) return undefined;
    const plan = catalog.plan(match[2]!, Number(match[3]));
    return plan ? { plan, interval: match[4] as BillingInterval } : undefined;
  };
  const priceFor = async (plan: Plan, interval: BillingInterval) => {
    const key = lookupKey(plan, interval);
    const price = (await (await api()).prices.list({ lookup_keys: [key], active: true, limit: 1 })).data[0];
    if (!price) throw new AuterityError('conflict', `No Stripe price with lookup key "${key}"; run \`plans push\` first.`, { details: { lookupKey: key } });
    return price;
  };

  /** Records the event id; false if it was seen before (or the tenant is gone). */
  const firstDelivery = async (tx: TenantScope, eventId: string, type: string): Promise<boolean> => {
    const inserted = await tx
      .insertInto('billing_events')
      .values({ event_id: eventId, type, received_at: deps.now() })
      .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    return inserted !== undefined;
  };

  const setTenantPlan = (tx: TenantScope, planId: string) => tx.updateTable('tenants').set({ plan: planId, updated_at: deps.now() }).execute();

  const applySubscription = async (tx: TenantScope, sub: StripeSubscriptionObject, created: number, deleted: boolean): Promise<void> => {
    const row = await tx.selectFrom('billing_subscriptions').selectAll().executeTakeFirst();
    const at = created * 1000;
    const same = row?.subscription_ref === sub.id || row?.subscription_ref == null;
    const last = same ? (row?.provider_updated_at ?? null) : null;
    if (same && row?.status === 'canceled' && row.provider === 'stripe' && row.subscription_ref === sub.id && !deleted) return; // a deletion is final
    if (last !== null && at < Number(last)) return; // older than the state already applied
    // Status has its own clock: a newer invoice event may already have settled it.
    const statusAt = same ? (row?.status_updated_at ?? null) : null;
    const statusIsNewer = statusAt === null || at >= Number(statusAt) || deleted;
    const item = sub.items.data[0];
    const mapped = parseLookupKey(item?.price.lookup_key);
    const fallback = catalog.plan(catalog.fallbackPlan)!;
    const status = deleted ? 'canceled' : statusIsNewer ? (STATUS[sub.status] ?? 'active') : row!.status;
    const plan = status === 'canceled' ? fallback : (mapped?.plan ?? catalog.plan(row?.plan_id ?? '', row?.plan_version ?? undefined) ?? fallback);
    const interval: BillingInterval = status === 'canceled' ? 'month' : (mapped?.interval ?? 'month');
    const anchor = (sub.billing_cycle_anchor ?? sub.start_date ?? created) * 1000;
    const window = windowAt('billing_cycle', anchor, deps.now(), interval);
    const values = {
      plan_id: plan.id,
      plan_version: plan.version,
      status,
      interval,
      anchor_at: anchor,
      current_period_start: item?.current_period_start != null ? item.current_period_start * 1000 : window.start,
      current_period_end: item?.current_period_end != null ? item.current_period_end * 1000 : window.end,
      trial_ends_at: sub.trial_end != null ? sub.trial_end * 1000 : (row?.trial_ends_at ?? null),
      cancel_at_period_end: sub.cancel_at_period_end && !deleted ? 1 : 0,
      pending_plan_id: null,
      pending_interval: null,
      provider: 'stripe',
      customer_ref: refId(sub.customer),
      subscription_ref: sub.id,
      provider_updated_at: at,
      status_updated_at: statusIsNewer ? at : Number(statusAt),
      updated_at: deps.now(),
    };
    if (row) await tx.updateTable('billing_subscriptions').set(values).execute();
    else await tx.insertInto('billing_subscriptions').values({ ...values, addons: '[]', created_at: deps.now() }).execute();
    await setTenantPlan(tx, plan.id);
  };

  const applyInvoice = async (tx: TenantScope, subscriptionRef: string | null, created: number, paid: boolean): Promise<boolean> => {
    const row = await tx.selectFrom('billing_subscriptions').selectAll().executeTakeFirst();
    const at = created * 1000;
    if (!row) {
      // The invoice arrived before its subscription: keep its status (and time) for when it does.
      const tenant = await tx.selectFrom('tenants').select('plan').executeTakeFirstOrThrow();
      const plan = catalog.plan(tenant.plan) ?? catalog.plan(catalog.fallbackPlan)!;
      const window = windowAt('billing_cycle', at, deps.now(), 'month');
      await tx
        .insertInto('billing_subscriptions')
        .values({
          plan_id: plan.id, plan_version: plan.version, status: paid ? 'active' : 'past_due', interval: 'month', anchor_at: at, current_period_start: window.start, current_period_end: window.end,
          trial_ends_at: null, cancel_at_period_end: 0, pending_plan_id: null, pending_interval: null, addons: '[]', provider: 'stripe', customer_ref: null,
          subscription_ref: subscriptionRef, provider_updated_at: null, status_updated_at: at, created_at: deps.now(), updated_at: deps.now(),
        })
        .execute();
      return true;
    }
    if (subscriptionRef !== null && row.subscription_ref !== null && row.subscription_ref !== subscriptionRef) return false;
    if (row.status === 'canceled' && row.provider === 'stripe') return true;
    if (row.status_updated_at !== null && at < Number(row.status_updated_at)) return true; // older than the status applied
    const status = paid ? (row.status === 'trialing' ? 'trialing' : 'active') : 'past_due';
    await tx.updateTable('billing_subscriptions').set({ status, status_updated_at: at, updated_at: deps.now() }).execute();
    return true;
  };

  return {
    name: 'stripe',

    async pushPlans() {
      const result: PushResult = { created: [], updated: [], unchanged: [] };
      const latest = new Map(catalog.plans.filter((plan) => plan.latest).map((plan) => [plan.id, plan]));
      for (const [planId, plan] of latest) {
        if (catalog.plans.every((p) => p.id !== planId || p.monthly === null)) continue; // priced per contract
        const id = productId(planId);
        try {
          const product = await (await api()).products.retrieve(id);
          if (product.name !== plan.name) {
            await (await api()).products.update(id, { name: plan.name });
            result.updated.push(id);
          } else result.unchanged.push(id);
        } catch (error) {
          if (!isMissing(error)) throw error;
          await (await api()).products.create({ id, name: plan.name, metadata: { auterity_plan: planId } });
          result.created.push(id);
        }
      }
      // Every version keeps its prices, so grandfathered subscribers stay billable.
      for (const plan of catalog.plans) {
        if (plan.monthly === null) continue;
        for (const interval of INTERVALS) {
          const key = lookupKey(plan, interval);
          const amount = interval === 'year' ? plan.prices.annual! : plan.prices.monthly!;
          const existing = (await (await api()).prices.list({ lookup_keys: [key], limit: 1 })).data[0];
          const same =
            existing && existing.active && existing.unit_amount === amount && existing.currency === catalog.currency && existing.recurring?.interval === interval && refId(existing.product as string | { id: string }) === productId(plan.id);
          if (same) {
            result.unchanged.push(key);
            continue;
          }
          await (await api()).prices.create({
            product: productId(plan.id),
            currency: catalog.currency,
            unit_amount: amount,
            recurring: { interval },
            lookup_key: key,
            transfer_lookup_key: true, // moves the key from the outdated price
            metadata: { auterity_plan: plan.id, auterity_version: String(plan.version) },
          });
          (existing ? result.updated : result.created).push(key);
        }
      }
      return result;
    },

    async checkout(request) {
      const plan = catalog.plan(request.planId);
      if (!plan || plan.monthly === null) {
        throw new AuterityError('invalid_input', `Plan ${JSON.stringify(request.planId)} cannot be bought through Checkout; expected one of ${catalog.plans.filter((p) => p.latest && p.monthly !== null).map((p) => p.id).join(', ')}.`, {
          issues: [{ path: 'planId', message: 'unknown or contract-priced plan' }],
        });
      }
      const price = await priceFor(plan, request.interval ?? 'month');
      const row = await deps.scopeFor(request.tenantId).selectFrom('billing_subscriptions').select(['customer_ref', 'trial_ends_at']).executeTakeFirst();
      const trial = plan.trialDays > 0 && (row?.trial_ends_at ?? null) === null;
      const session = await (await api()).checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        client_reference_id: request.tenantId,
        metadata: { tenant_id: request.tenantId },
        ...(row?.customer_ref && { customer: row.customer_ref }),
        subscription_data: { metadata: { tenant_id: request.tenantId }, ...(trial && { trial_period_days: plan.trialDays }) },
      });
      return { url: session.url ?? null, id: session.id };
    },

    async portal(request) {
      const row = await deps.scopeFor(request.tenantId).selectFrom('billing_subscriptions').select('customer_ref').executeTakeFirst();
      if (!row?.customer_ref) throw new AuterityError('conflict', `Tenant "${request.tenantId}" has no Stripe customer yet; complete a Checkout first.`, { details: { tenantId: request.tenantId } });
      const session = await (await api()).billingPortal.sessions.create({ customer: row.customer_ref, return_url: request.returnUrl });
      return { url: session.url };
    },

    async handleWebhook(rawBody, signature): Promise<WebhookResult> {
      if (!options.webhookSecret) throw new AuterityError('invalid_options', 'Stripe webhooks need billing.stripe.webhookSecret (or STRIPE_WEBHOOK_SECRET).');
      if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
        throw new AuterityError('invalid_input', 'Stripe webhooks must be verified on the raw request body (a string or bytes), not a parsed object.', { issues: [{ path: 'body', message: 'expected the raw body' }] });
      }
      let verified: unknown;
      try {
        const stripe = await api();
        verified = stripe.webhooks.constructEvent(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody), signature ?? '', options.webhookSecret);
      } catch (error) {
        throw new AuterityError('unauthorized', 'Invalid Stripe webhook signature.', { cause: error });
      }
      const event = stripeEventSchema.parse(verified);
      const object = event.data.object;
      let tenantId: string | null | undefined;
      let apply: ((tx: TenantScope) => Promise<boolean>) | undefined;
      switch (event.type) {
        case 'checkout.session.completed': {
          const session = checkoutSessionSchema.parse(object);
          tenantId = session.client_reference_id ?? session.metadata?.['tenant_id'];
          apply = async (tx) => {
            const row = await tx.selectFrom('billing_subscriptions').select('tenant_id').executeTakeFirst();
            const refs = { customer_ref: refId(session.customer), ...(session.subscription != null && { subscription_ref: refId(session.subscription) }) };
            if (row) await tx.updateTable('billing_subscriptions').set({ ...refs, provider: 'stripe', updated_at: deps.now() }).execute();
            return true; // the subscription itself arrives with customer.subscription.* events
          };
          break;
        }
        case 'customer.subscription.created':
        case 'customer.subscription.updated':
        case 'customer.subscription.deleted': {
          const sub = subscriptionSchema.parse(object);
          tenantId = sub.metadata?.['tenant_id'];
          apply = async (tx) => {
            await applySubscription(tx, sub, event.created, event.type === 'customer.subscription.deleted');
            return true;
          };
          break;
        }
        case 'invoice.paid':
        case 'invoice.payment_failed': {
          const invoice = invoiceSchema.parse(object);
          const details = invoice.parent?.subscription_details;
          tenantId = details?.metadata?.['tenant_id'] ?? invoice.metadata?.['tenant_id'];
          apply = (tx) => applyInvoice(tx, refId(details?.subscription), event.created, event.type === 'invoice.paid');
          break;
        }
        default:
          return { eventId: event.id, type: event.type, duplicate: false, handled: false };
      }
      if (!tenantId || !apply) return { eventId: event.id, type: event.type, duplicate: false, handled: false };
      const scope = deps.scopeFor(tenantId);
      try {
        const outcome = await scope.transaction(async (tx) => {
          if (!(await firstDelivery(tx, event.id, event.type))) return { duplicate: true, handled: true };
          return { duplicate: false, handled: await apply(tx) };
        });
        deps.changed(tenantId);
        return { eventId: event.id, type: event.type, ...outcome };
      } catch (error) {
        if (isForeignKeyViolation(error)) return { eventId: event.id, type: event.type, duplicate: false, handled: false }; // unknown tenant
        throw error;
      }
    },

    async reportUsage(): Promise<UsageReport> {
      const meters = Object.entries(catalog.features).filter(([, feature]) => feature.type === 'metered').map(([id]) => id);
      const report: UsageReport = { reported: 0, failed: 0 };
      if (meters.length === 0) return report;
      for (const tenantId of await deps.tenantIds()) {
        const scope = deps.scopeFor(tenantId);
        const customer = (await scope.selectFrom('billing_subscriptions').select('customer_ref').executeTakeFirst())?.customer_ref;
        if (!customer) continue;
        for (;;) {
          const rows = await deps.ledger.unreported(tenantId, meters, BATCH);
          if (rows.length === 0) break;
          // The ledger record id is the meter event's identifier: Stripe drops a resent duplicate.
          const stripe = await api();
          const sent = await Promise.allSettled(
            rows.map((row) =>
              stripe.billing.meterEvents.create({
                event_name: meterName(row.feature),
                identifier: row.id,
                timestamp: Math.floor(row.at / 1000),
                payload: { stripe_customer_id: customer, value: String(row.amount) },
              }),
            ),
          );
          const acknowledged = rows.filter((_, index) => sent[index]!.status === 'fulfilled').map((row) => row.id);
          await deps.ledger.markReported(tenantId, acknowledged, deps.now());
          report.reported += acknowledged.length;
          report.failed += rows.length - acknowledged.length;
          if (acknowledged.length < rows.length) break; // retried on the next run
        }
      }
      return report;
    },
  };
}
