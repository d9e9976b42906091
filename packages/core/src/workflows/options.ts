// Validation of `createAuterity({ workflows })`: numbers in range, actions made with defineAction,
// guards and the clock shaped as documented. A bad option stops start-up naming it.
import { z } from 'zod';
import { describeValue } from '../config/options.js';
import { optionsError, toIssues } from '../shared/validation.js';

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: (issue) => `expected ${what} from ${min} to ${max}, got ${describeValue(issue.input)}` })
    .int({ error: (issue) => `expected ${what} from ${min} to ${max}, got ${describeValue(issue.input)}` })
    .min(min, { error: (issue) => `expected ${what} from ${min} to ${max}, got ${describeValue(issue.input)}` })
    .max(max, { error: (issue) => `expected ${what} from ${min} to ${max}, got ${describeValue(issue.input)}` });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFunction = (value: unknown) => typeof value === 'function';

const action = z.custom((value) => isObject(value) && typeof value.name === 'string' && isObject(value.input) && isFunction(value.run), {
  error: (issue) => `expected an action made with defineAction(), got ${describeValue(issue.input)}`,
});

const guard = z.custom(
  (value) => isObject(value) && ['beforeCreate', 'beforeRun', 'beforeStep'].every((hook) => value[hook] === undefined || isFunction(value[hook])) && Object.keys(value).every((key) => ['beforeCreate', 'beforeRun', 'beforeStep'].includes(key)),
  { error: (issue) => `expected an object with beforeCreate, beforeRun and/or beforeStep functions, got ${describeValue(issue.input)}` },
);

const clock = z.custom((value) => isObject(value) && isFunction(value.now) && isFunction(value.setTimeout) && isFunction(value.clearTimeout), {
  error: (issue) => `expected an object with now, setTimeout and clearTimeout functions, got ${describeValue(issue.input)}`,
});

const DAY = 86_400_000;

export const workflowsOptionsSchema = z.strictObject({
  actions: z.array(action, { error: 'expected a list of actions' }).optional(),
  guards: z.array(guard, { error: 'expected a list of guards' }).optional(),
  http: z
    .strictObject({
      allowPrivateNetwork: z.boolean({ error: 'expected true or false' }).optional(),
      timeoutMs: int('milliseconds', 1, 10 * 60_000).optional(),
      maxResponseBytes: int('a number of bytes', 1, 1024 * 1024 * 1024).optional(),
    })
    .optional(),
  code: z
    .strictObject({
      timeoutMs: int('milliseconds', 1, 10 * 60_000).optional(),
      memoryLimitBytes: int('a number of bytes', 1024 * 1024, 4 * 1024 * 1024 * 1024).optional(),
      maxOutputBytes: int('a number of bytes', 1, 256 * 1024 * 1024).optional(),
      workers: int('a number of worker threads', 1, 64).optional(),
    })
    .optional(),
  pollIntervalMs: int('milliseconds', 1, 3_600_000).optional(),
  leaseMs: int('milliseconds', 100, DAY).optional(),
  maxConcurrentSteps: int('a number of steps', 1, 100_000).optional(),
  tenantConcurrency: int('a number of runs', 1, 1_000_000).optional(),
  eventBufferMs: int('milliseconds', 0, 30 * DAY).optional(),
  clock: clock.optional(),
  random: z.custom(isFunction, { error: (issue) => `expected a function returning [0, 1), got ${describeValue(issue.input)}` }).optional(),
});

/** Throws AuterityError('invalid_options') naming every bad `workflows.*` option. */
export function assertWorkflowsOptions(options: unknown): void {
  const result = workflowsOptionsSchema.safeParse(options ?? {});
  if (result.success) return;
  const issues = toIssues(result.error, 'workflows').map((issue) => (issue.message === 'unknown field' ? { ...issue, message: 'unknown option' } : issue));
  throw optionsError(issues);
}
