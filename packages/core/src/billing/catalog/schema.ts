// The plan catalog's zod schemas: the single source of its validation and of its types.
// Money is always an integer amount of minor units (cents) in the catalog's currency.
import { z } from 'zod';

const idSchema = z
  .string({ error: 'expected an id string' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'expected lowercase letters, digits, "-" and "_", at most 63 characters' });

export const moneySchema = z
  .number({ error: 'expected an integer amount in minor units (cents)' })
  .int({ error: 'expected an integer amount in minor units (cents), not a fraction' })
  .nonnegative({ error: 'expected a non-negative amount in minor units' });

const percentSchema = z
  .number({ error: 'expected a percentage from 0 to 100' })
  .min(0, { error: 'expected a percentage from 0 to 100' })
  .max(100, { error: 'expected a percentage from 0 to 100' });

export const periodSchema = z.enum(['minute', 'hour', 'day', 'month', 'billing_cycle'], {
  error: 'expected one of minute, hour, day, month, billing_cycle',
});

export const overageSchema = z.discriminatedUnion(
  'policy',
  [
    z.strictObject({ policy: z.literal('block') }),
    /** Usage past the limit is admitted and billed at `unitPrice` per `per` units. */
    z.strictObject({ policy: z.literal('bill'), unitPrice: moneySchema, per: z.number().int().positive().default(1) }),
    /** Usage past the limit is admitted; crossing a threshold (a fraction of the limit) is reported. */
    z.strictObject({
      policy: z.literal('warn'),
      thresholds: z
        .array(z.number().positive({ error: 'expected a fraction of the limit above 0 (0.8 = 80%)' }))
        .min(1, { error: 'expected at least one threshold' })
        .transform((values) => [...new Set(values)].sort((a, b) => a - b)),
    }),
  ],
  { error: 'expected an overage policy: { policy: "block" | "bill" | "warn", … }' },
);

export const featureSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('boolean'), name: z.string().optional() }),
    /** A ceiling on something that exists (rows such as workflows or seats), counted from the rows. */
    z.strictObject({ type: z.literal('limit'), name: z.string().optional(), unit: z.string().optional() }),
    /** Usage over a period that resets (executions per month, API calls per minute). */
    z.strictObject({
      type: z.literal('metered'),
      name: z.string().optional(),
      unit: z.string().optional(),
      period: periodSchema,
      overage: overageSchema.default({ policy: 'block' }),
      /** `api_key`: each API key has its own counter and limit (callers pass `apiKeyId`). */
      scope: z.enum(['tenant', 'api_key'], { error: 'expected tenant or api_key' }).default('tenant'),
    }),
    /** A request rate (GCRA): `limit` requests per `per`, with a burst of `burst` (default: `limit`). */
    z.strictObject({
      type: z.literal('rate'),
      name: z.string().optional(),
      per: z.enum(['second', 'minute', 'hour'], { error: 'expected second, minute or hour' }),
      scope: z.enum(['tenant', 'api_key'], { error: 'expected tenant or api_key' }).default('tenant'),
    }),
  ],
  { error: 'expected a feature: { type: "boolean" | "limit" | "metered" | "rate", … }' },
);

/** What a plan grants of a feature: on/off for booleans, a number or "unlimited" for the others. */
export const grantSchema = z.union([z.boolean(), z.number().int().nonnegative(), z.literal('unlimited')], {
  error: 'expected true/false, a non-negative integer or "unlimited"',
});

export const currencySchema = z
  .string({ error: 'expected an ISO 4217 currency code such as "usd"' })
  .regex(/^[a-z]{3}$/, { error: 'expected a lowercase ISO 4217 currency code such as "usd"' });

export const planSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1, { error: 'expected a plan name' }),
  /** Versions let a plan change while existing subscribers stay on theirs (grandfathering). */
  version: z.number().int().positive().default(1),
  /** Monthly price in minor units; null for "contact us" plans priced per contract. */
  monthly: moneySchema.nullable(),
  /** Overrides the catalog's annual discount for this plan. */
  annualDiscountPercent: percentSchema.optional(),
  trialDays: z.number().int().nonnegative().default(0),
  features: z.record(idSchema, grantSchema).default({}),
});

export const addonSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  monthly: moneySchema,
  /** A different monthly price on some plans (e.g. on Enterprise). */
  monthlyByPlan: z.record(idSchema, moneySchema).default({}),
  /** Added on top of the plan's grants: numbers add up, true enables, "unlimited" lifts the limit. */
  features: z.record(idSchema, grantSchema).default({}),
});

export const bundleSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  addons: z.array(idSchema).min(2, { error: 'expected at least two add-ons in a bundle' }),
  discountPercent: percentSchema,
});

export const catalogSchema = z.strictObject({
  currency: currencySchema.default('usd'),
  /** Annual price = 12 × monthly less this discount (per plan overridable); never typed in. */
  annualDiscountPercent: percentSchema.default(0),
  /** Plan a subscription falls back to when a trial ends unpaid or it is canceled. */
  fallbackPlan: idSchema.optional(),
  features: z.record(idSchema, featureSchema),
  plans: z.array(planSchema).min(1, { error: 'expected at least one plan' }),
  addons: z.array(addonSchema).default([]),
  bundles: z.array(bundleSchema).default([]),
});

export type CatalogInput = z.input<typeof catalogSchema>;
export type CatalogDefinition = z.output<typeof catalogSchema>;
export type FeatureDefinition = z.output<typeof featureSchema>;
export type PlanDefinition = z.output<typeof planSchema>;
export type AddonDefinition = z.output<typeof addonSchema>;
export type BundleDefinition = z.output<typeof bundleSchema>;
export type Grant = z.output<typeof grantSchema>;
export type Period = z.output<typeof periodSchema>;
export type OveragePolicy = z.output<typeof overageSchema>;
