// Input validation: every public method parses its input with zod and reports problems as
// AuterityError('invalid_input') whose issues name the field (`email`, `roles.0`).
import { z } from 'zod';
import { AuterityError, type AuterityIssue } from '../errors.js';

/** An object literal (or a null-prototype object): not an array, a class instance or a built-in. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function toIssues(error: z.ZodError, prefix?: string): AuterityIssue[] {
  const issues: AuterityIssue[] = [];
  for (const issue of error.issues) {
    const base = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...base, key].join('.'), message: 'unknown field' });
    } else {
      issues.push({ path: base.join('.') || (prefix ?? 'input'), message: issue.message });
    }
  }
  return issues;
}

/** A start-up error naming every bad option: `Invalid options: ai.models.0.id: …; billing.backend: …`. */
export function optionsError(issues: AuterityIssue[]): AuterityError {
  return new AuterityError('invalid_options', `Invalid options: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { issues });
}

/** A start-up error naming one bad option. */
export function optionError(path: string, message: string): AuterityError {
  return optionsError([{ path, message }]);
}

/** Parses `value` or throws invalid_input; `what` names the thing in the message ("member"). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toIssues(result.error, prefix);
  const detail = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new AuterityError('invalid_input', `Invalid ${what}: ${detail}`, { issues });
}

export const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SLUG_RULE = 'lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters';

export const slugSchema = z
  .string({ error: (issue) => `expected a string, got ${issue.input === undefined ? 'nothing' : typeof issue.input}` })
  .regex(SLUG, { error: `expected ${SLUG_RULE}` });

export const tenantIdSchema = slugSchema;
