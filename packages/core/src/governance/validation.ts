// zod issues -> AuterityError, with paths written the way people read them: `rules[3].condition`.
import type { z } from 'zod';
import { AuterityError, type AuterityIssue } from '../errors.js';

export function formatIssuePath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

export function parseWith<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string, prefix = ''): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: AuterityIssue[] = result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path, prefix),
    message: issue.message,
  }));
  const first = issues[0];
  throw new AuterityError('invalid_input', `invalid ${what}: ${first ? `${first.path}: ${first.message}` : 'unknown problem'}`, { issues });
}
