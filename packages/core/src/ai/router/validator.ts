// Cascade validators: an answer passes when it parses as JSON matching the schema, or when the
// predicate returns true. A predicate that throws rejects the answer.
import { z } from 'zod';
import { optionsError } from '../../shared/validation.js';
import type { RouteConfig } from './schema.js';

export type AnswerValidator = (answer: string) => { ok: true } | { ok: false; reason: string };

export function createValidator(validator: NonNullable<RouteConfig['validator']>, path: string): AnswerValidator {
  if ('predicate' in validator) {
    const predicate = validator.predicate;
    return (answer) => {
      try {
        return predicate(answer) ? { ok: true } : { ok: false, reason: 'predicate returned false' };
      } catch (error) {
        return { ok: false, reason: `predicate threw: ${error instanceof Error ? error.message : String(error)}` };
      }
    };
  }
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(validator.jsonSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    const issue = { path: `${path}.jsonSchema`, message: `expected a JSON Schema zod can read: ${error instanceof Error ? error.message : String(error)}` };
    throw optionsError([issue]);
  }
  return (answer) => {
    let value: unknown;
    try {
      value = JSON.parse(answer);
    } catch {
      return { ok: false, reason: 'answer is not JSON' };
    }
    const result = schema.safeParse(value);
    if (result.success) return { ok: true };
    const first = result.error.issues[0];
    return { ok: false, reason: `answer does not match the schema${first ? ` (${first.path.join('.') || 'value'}: ${first.message})` : ''}` };
  };
}
