// The parts of Stripe objects the webhook handler reads, validated with zod (unknown fields pass).
import { z } from 'zod';

const metadata = z.record(z.string(), z.string()).nullish();
const id = z.string().min(1);

export const stripeEventSchema = z.object({
  id,
  object: z.literal('event'),
  type: z.string(),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const checkoutSessionSchema = z.object({
  id,
  client_reference_id: z.string().nullish(),
  customer: z.union([z.string(), z.object({ id })]).nullish(),
  subscription: z.union([z.string(), z.object({ id })]).nullish(),
  metadata,
});

export const subscriptionSchema = z.object({
  id,
  customer: z.union([z.string(), z.object({ id })]),
  status: z.string(),
  metadata,
  cancel_at_period_end: z.boolean().default(false),
  trial_end: z.number().int().nullish(),
  billing_cycle_anchor: z.number().int().nullish(),
  start_date: z.number().int().nullish(),
  items: z.object({
    data: z.array(
      z.object({
        price: z.object({ id, lookup_key: z.string().nullish(), recurring: z.object({ interval: z.string() }).nullish() }),
        current_period_start: z.number().int().nullish(),
        current_period_end: z.number().int().nullish(),
      }),
    ),
  }),
});

export const invoiceSchema = z.object({
  id,
  customer: z.union([z.string(), z.object({ id })]).nullish(),
  metadata,
  parent: z.object({ subscription_details: z.object({ subscription: z.union([z.string(), z.object({ id })]).nullish(), metadata }).nullish() }).nullish(),
});

export type StripeSubscriptionObject = z.infer<typeof subscriptionSchema>;

export const refId = (value: string | { id: string } | null | undefined): string | null => (value == null ? null : typeof value === 'string' ? value : value.id);
