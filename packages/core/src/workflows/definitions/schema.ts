// The JSON workflow definition (DESIGN §3): zod is the single source of its validation and types.
// Structural rules live here; rules that need the action registry or the whole graph (unknown
// actions, dependencies, cycles, expressions) are checked in validate.ts.
import { z } from 'zod';

/** Step ids are CEL/JSONata identifiers, so `steps.<id>.output` works in expressions. */
export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const retrySchema = z.strictObject({
  /** Total attempts including the first. */
  maxAttempts: z.number().int().min(1).max(100),
  backoff: z.enum(['fixed', 'exponential']).default('exponential'),
  initialMs: z.number().int().min(0).max(86_400_000).default(1000),
  factor: z.number().min(1).max(10).default(2),
  maxMs: z.number().int().min(0).max(86_400_000).default(300_000),
  /** "Equal jitter": each delay is drawn uniformly from [d/2, d], so retries of many runs spread out. */
  jitter: z.boolean().default(true),
});

export const stepSchema = z.strictObject({
  id: z.string().regex(STEP_ID, { error: 'expected letters, digits and "_", starting with a letter or "_", at most 64 characters' }),
  name: z.string().max(200).optional(),
  action: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
  dependsOn: z.array(z.string()).max(100).default([]),
  /** CEL; the step runs only when it is true (the skip rule is documented in scheduler/executor.ts). */
  when: z.string().min(1).optional(),
  retry: retrySchema.optional(),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
});

export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('manual') }),
  z.strictObject({ type: z.literal('webhook') }),
  z.strictObject({
    type: z.literal('cron'),
    schedule: z.string().min(1),
    timezone: z.string().min(1).default('UTC'),
    /**
     * Ticks missed while no engine was running (or the engines were stalled): `latest` (default)
     * fires one catch-up run, for the latest missed tick; `all` fires every missed tick, oldest
     * first (at most 100 per pass; the rest on the next passes); `none` fires none of them — only a
     * tick at most a minute late (or two poll intervals, when longer) counts as on time. Ticks from
     * before the workflow's latest version was saved are never fired.
     */
    catchUp: z.enum(['latest', 'all', 'none']).default('latest'),
  }),
  z.strictObject({ type: z.literal('event'), event: z.string().min(1).max(200), filter: z.string().min(1).optional() }),
]);

export const workflowDefinitionSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  triggers: z.array(triggerSchema).max(20).default([]),
  steps: z.array(stepSchema).min(1).max(500),
  /** Most runs of this workflow active at once (per tenant); further runs wait queued. */
  concurrency: z.number().int().min(1).max(10_000).optional(),
  /** Default priority of its runs (higher first). */
  priority: z.number().int().min(-1000).max(1000).default(0),
});

export type RetryPolicy = z.output<typeof retrySchema>;
export type StepDefinition = z.output<typeof stepSchema>;
export type TriggerDefinition = z.output<typeof triggerSchema>;
/** A validated definition, defaults applied. */
export type WorkflowDefinition = z.output<typeof workflowDefinitionSchema>;
/** What a caller writes (defaults may be left out). */
export type WorkflowDefinitionInput = z.input<typeof workflowDefinitionSchema>;
