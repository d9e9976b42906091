// Built-in actions that need nothing but the executor: transform, delay, event.wait, foreach,
// workflow.run.
import { z } from 'zod';
import { AuterityError } from '../../../errors.js';
import type { JsonataCompiler } from '../../../expressions/jsonata.js';
import { EXPRESSION_FIELDS, NATIVE_KIND, type ActionRuntime } from '../runtime.js';
import { defineAction, type Action, type ActionRunContext } from '../types.js';

function withMarkers<A extends object>(action: A, markers: Record<symbol, unknown>): A {
  return Object.freeze(Object.assign(Object.create(null) as object, action, markers)) as A;
}

/** `transform`: evaluates a JSONata `expression` against `{ input, steps, run, tenant }`; its value is the output. */
export function transformAction(jsonata: JsonataCompiler): Action<{ expression: string }, unknown> {
  const action = defineAction({
    name: 'transform',
    input: z.strictObject({ expression: z.string().min(1) }),
    async run(ctx) {
      const runtime = (arguments as unknown as [ActionRunContext<unknown>, ActionRuntime])[1];
      return jsonata.compile(ctx.input.expression, { path: `steps.${ctx.stepId}.input.expression` }).evaluate(runtime.context());
    },
  });
  return withMarkers(action, { [EXPRESSION_FIELDS]: { jsonata: ['expression'] } });
}

/** `delay`: a durable timer; the run is handed back to the database while it waits. */
export const delayAction: Action<{ ms?: number | undefined; until?: number | undefined }, unknown> = withMarkers(
  defineAction({
    name: 'delay',
    input: z
      .strictObject({ ms: z.number().int().min(0).max(366 * 86_400_000).optional(), until: z.number().int().min(0).optional() })
      .refine((v) => (v.ms === undefined) !== (v.until === undefined), { error: 'give exactly one of "ms" or "until" (epoch ms)' }),
    run() {
      throw new AuterityError('internal', 'delay is run by the scheduler');
    },
  }),
  { [NATIVE_KIND]: 'delay' },
);

/**
 * `event.wait`: completes with the first event named `event` (passing the CEL `filter`, which sees
 * `event.payload` plus the run context) emitted no earlier than the engine's buffer window before the
 * step began waiting — so an event that arrives just before the wait starts is not lost.
 */
export const eventWaitAction: Action<{ event: string; filter?: string | undefined; timeoutMs?: number | undefined }, unknown> = withMarkers(
  defineAction({
    name: 'event.wait',
    input: z.strictObject({ event: z.string().min(1).max(200), filter: z.string().min(1).optional(), timeoutMs: z.number().int().min(1).optional() }),
    run() {
      throw new AuterityError('internal', 'event.wait is run by the scheduler');
    },
  }),
  { [NATIVE_KIND]: 'event.wait', [EXPRESSION_FIELDS]: { cel: ['filter'] } },
);

/** `workflow.run`: runs another workflow of the tenant and completes with its output. */
export const workflowRunAction = defineAction({
  name: 'workflow.run',
  input: z.strictObject({ workflow: z.string().min(1), input: z.unknown().optional(), version: z.number().int().min(1).optional() }),
  async run(ctx) {
    const runtime = (arguments as unknown as [ActionRunContext<unknown>, ActionRuntime])[1];
    const result = await runtime.runChild(ctx, ctx.input.workflow, ctx.input.input ?? null, ctx.input.version);
    if (result.status !== 'succeeded') {
      throw new AuterityError('unavailable', `sub-workflow "${ctx.input.workflow}" ${result.status}${result.error ? `: ${result.error.message}` : ''}`);
    }
    return result.output;
  },
});

/**
 * `foreach`: fan-out/fan-in. Runs `action` once per item of `items` (at most `concurrency` at a
 * time); `itemInput` is a JSONata expression over `{ item, index, input, steps }` giving each
 * call's input (default: the item). The output is the array of results, in item order.
 */
export function foreachAction(jsonata: JsonataCompiler): Action<{ items: unknown[]; action: string; itemInput?: string | undefined; concurrency: number }, unknown> {
  const action = defineAction({
    name: 'foreach',
    input: z.strictObject({
      items: z.array(z.unknown()).max(10_000),
      action: z.string().min(1),
      itemInput: z.string().min(1).optional(),
      concurrency: z.number().int().min(1).max(100).default(10),
    }),
    async run(ctx) {
      const runtime = (arguments as unknown as [ActionRunContext<unknown>, ActionRuntime])[1];
      const target = runtime.action(ctx.input.action);
      if (!target || target.name === 'foreach') throw new AuterityError('invalid_input', `steps.${ctx.stepId}.input.action: unknown action "${ctx.input.action}"`);
      const mapping = ctx.input.itemInput ? jsonata.compile(ctx.input.itemInput, { path: `steps.${ctx.stepId}.input.itemInput` }) : undefined;
      const base = runtime.context();
      const results: unknown[] = Array.from({ length: ctx.input.items.length }, () => null);
      let next = 0;
      const worker = async () => {
        while (next < ctx.input.items.length) {
          const index = next++;
          ctx.signal.throwIfAborted();
          const item = ctx.input.items[index];
          const raw = mapping ? await mapping.evaluate({ ...base, item, index }) : item;
          const parsed = target.input.safeParse(raw);
          if (!parsed.success) throw new AuterityError('invalid_input', `steps.${ctx.stepId} item ${index}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
          const run = target.run as (c: ActionRunContext<unknown>, r: ActionRuntime) => unknown;
          results[index] = await run({ ...ctx, input: parsed.data, idempotencyKey: `${ctx.idempotencyKey}:${index}` }, runtime);
        }
      };
      await Promise.all(Array.from({ length: Math.min(ctx.input.concurrency, ctx.input.items.length) }, worker));
      return results;
    },
  });
  return withMarkers(action, { [EXPRESSION_FIELDS]: { jsonata: ['itemInput'] } });
}
