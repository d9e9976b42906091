// The action API: ISVs register typed actions; tenants reference them by name in definitions.
import type { z } from 'zod';
import type { Logger } from '../../config/logger.js';

export interface ActionRunContext<I> {
  /** The step's input, already rendered (`$expr` values evaluated) and parsed by the action's schema. */
  input: I;
  /** `<runId>:<stepId>`; the same on every attempt of this step, including after a crash. */
  idempotencyKey: string;
  /** Aborted when the step times out, its run is cancelled, or the engine loses the run's lease. */
  signal: AbortSignal;
  /** 1 on the first attempt. */
  attempt: number;
  tenant: { id: string };
  /** `startedBy`: the actor who started the run through a tenant handle; null for webhook, cron, event and sub-workflow runs. */
  run: { id: string; workflowId: string; version: number; startedBy: string | null };
  stepId: string;
  logger: Logger;
}

export interface Action<I = unknown, O = unknown> {
  readonly name: string;
  readonly input: z.ZodType<I>;
  readonly output?: z.ZodType<O> | undefined;
  run(context: ActionRunContext<I>): Promise<O> | O;
}

/** Any action, whatever its types (registries hold these; `run` is a method, so this is assignable). */
export type AnyAction = Action<unknown, unknown>;

export interface DefineActionOptions<IS extends z.ZodType, OS extends z.ZodType | undefined> {
  /** Referenced by definitions (`"action": "crm.createLead"`): letters, digits, `.`, `_`, `-`. */
  name: string;
  input: IS;
  output?: OS;
  run(context: ActionRunContext<z.output<IS>>): Promise<OS extends z.ZodType ? z.input<OS> : unknown> | (OS extends z.ZodType ? z.input<OS> : unknown);
}

const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/** Declares a typed action. Input is parsed with `input` before `run`; output with `output` after. */
export function defineAction<IS extends z.ZodType, OS extends z.ZodType | undefined = undefined>(
  options: DefineActionOptions<IS, OS>,
): Action<z.output<IS>, OS extends z.ZodType ? z.output<OS> : unknown> {
  if (!ACTION_NAME.test(options.name)) {
    throw new TypeError(`defineAction: name ${JSON.stringify(options.name)} must be letters, digits, ".", "_" or "-", starting with a letter`);
  }
  return Object.freeze({
    name: options.name,
    input: options.input,
    output: options.output,
    run: options.run,
  }) as unknown as Action<z.output<IS>, OS extends z.ZodType ? z.output<OS> : unknown>;
}
