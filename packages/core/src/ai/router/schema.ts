// Router options: providers, catalog additions, routes with their strategies, and resilience knobs.
import { z } from 'zod';
import { modelInputSchema } from '../catalog/index.js';
import { providerInputSchema } from '../providers/index.js';

const ROUTE_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.:/-]{0,127}$/;
const positiveInt = (what: string) => z.number({ error: `expected ${what} (a positive integer)` }).int({ error: `expected ${what} (a positive integer)` }).positive({ error: `expected ${what} (a positive integer)` });
const nonNegativeInt = (what: string) => z.number({ error: `expected ${what} (an integer >= 0)` }).int({ error: `expected ${what} (an integer >= 0)` }).min(0, { error: `expected ${what} (an integer >= 0)` });
const weight = z.number({ error: 'expected a weight (a number > 0)' }).finite().positive({ error: 'expected a weight (a number > 0)' });
const modelId = z.string({ error: 'expected a model id (a string)' }).min(1, { error: 'expected a model id (a non-empty string)' });

export const retryOptionsSchema = z.strictObject({
  /** Attempts per target, the first included. Default 3. */
  maxAttempts: positiveInt('a number of attempts').max(10, { error: 'expected at most 10 attempts' }).optional(),
  /** Backoff base: attempt n waits a random time up to min(maxDelayMs, baseDelayMs * 2^(n-1)). Default 200. */
  baseDelayMs: nonNegativeInt('milliseconds').optional(),
  /** Default 5000. */
  maxDelayMs: nonNegativeInt('milliseconds').optional(),
  /** A Retry-After longer than this moves on to the next target instead of waiting. Default 10000. */
  maxRetryAfterMs: nonNegativeInt('milliseconds').optional(),
});

const jsonSchemaValidator = z.strictObject({ jsonSchema: z.record(z.string(), z.unknown(), { error: 'expected a JSON Schema object' }) });
const predicateValidator = z.strictObject({
  predicate: z.custom<(answer: string) => boolean>((value) => typeof value === 'function', { error: 'expected a function (answer: string) => boolean' }),
});

export const routeInputSchema = z.strictObject({
  id: z.string({ error: 'expected a route id (a string)' }).regex(ROUTE_ID, { error: 'expected letters, digits and "_.:/-", starting with a letter or digit, at most 128 characters' }),
  strategy: z.enum(['fallback', 'cheapest', 'fastest', 'weighted', 'cascade', 'experiment'], { error: 'expected one of fallback, cheapest, fastest, weighted, cascade, experiment' }),
  targets: z.array(z.strictObject({ model: modelId, weight: weight.optional() }), { error: 'expected a list of targets ({ model, weight? })' }).default([]),
  constraints: z
    .strictObject({
      capabilities: z.array(z.enum(['tools', 'json', 'vision'], { error: 'expected one of tools, json, vision' })).optional(),
      regions: z.array(z.string().min(1)).min(1, { error: 'expected at least one region' }).optional(),
      maxInputPerMTok: z.number({ error: 'expected a price in USD per 1M tokens' }).min(0).optional(),
      minContextWindow: positiveInt('a number of tokens').optional(),
    })
    .optional(),
  validator: z.union([jsonSchemaValidator, predicateValidator], { error: 'expected { jsonSchema } or { predicate }' }).optional(),
  arms: z
    .array(z.strictObject({ id: z.string({ error: 'expected an arm id (a string)' }).min(1).max(64), model: modelId, weight: weight.optional() }), { error: 'expected a list of arms ({ id, model, weight? })' })
    .optional(),
  sticky: z.enum(['tenant', 'user'], { error: 'expected "tenant" or "user"' }).optional(),
  retry: retryOptionsSchema.optional(),
  timeoutMs: positiveInt('milliseconds').optional(),
});

export const routerOptionsSchema = z.strictObject({
  /** Default: `offline`, plus `openai` when `env.OPENAI_API_KEY` is set. Entries replace defaults of the same id. */
  providers: z.array(providerInputSchema, { error: 'expected a list of providers' }).optional(),
  /** Added to the built-in catalog; an entry replaces the built-in model of the same id. */
  models: z.array(modelInputSchema, { error: 'expected a list of models' }).optional(),
  routes: z.array(routeInputSchema, { error: 'expected a list of routes' }).optional(),
  retry: retryOptionsSchema.optional(),
  /** Per attempt; streams: until the first token, then between chunks. Default 60000. */
  timeoutMs: positiveInt('milliseconds').optional(),
  breaker: z
    .strictObject({
      /** Consecutive failures that open the breaker. Default 5. */
      failureThreshold: positiveInt('a number of failures').optional(),
      /** How long an open breaker stays open before one probe is let through. Default 30000. */
      cooldownMs: positiveInt('milliseconds').optional(),
    })
    .optional(),
  /** Environment for defaults (OPENAI_API_KEY). */
  // `process.env` is not a plain object, so it is read as one rather than checked as a record.
  env: z
    .custom<Record<string, string | undefined>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { error: 'expected an object of environment variables (process.env works)' })
    .transform((value) => ({ OPENAI_API_KEY: typeof value.OPENAI_API_KEY === 'string' ? value.OPENAI_API_KEY : undefined }))
    .optional(),
});

export type RouterOptions = z.input<typeof routerOptionsSchema>;
export type RouteInput = z.input<typeof routeInputSchema>;
export type RouteConfig = z.output<typeof routeInputSchema>;
export type RetryOptions = z.input<typeof retryOptionsSchema>;
