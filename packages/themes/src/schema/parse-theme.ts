import type * as z from 'zod/mini';
import { describe } from '../errors/index.js';
import type { Theme } from '../tokens/index.js';
import { themeSchema } from './theme-schema.js';

/** One problem in theme JSON: the token path (`colors.primary`) and what was wrong there. */
export interface ThemeIssue {
  path: string;
  message: string;
}

/** Thrown by parseTheme; `issues` lists every problem found, not just the first. */
export class ThemeParseError extends Error {
  override readonly name = 'ThemeParseError';
  readonly issues: readonly ThemeIssue[];

  constructor(issues: readonly ThemeIssue[]) {
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    super(`Invalid theme JSON (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n  ${lines.join('\n  ')}`);
    this.issues = issues;
  }
}

export type SafeParseThemeResult = { success: true; theme: Theme } | { success: false; issues: readonly ThemeIssue[] };

const ROOT = 'theme';

function toThemeIssues(issue: z.core.$ZodIssue): ThemeIssue[] {
  const path = issue.path.map(String).join('.') || ROOT;
  const at = (key: string): string => (path === ROOT ? key : `${path}.${key}`);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: at(key), message: 'unknown key (not a theme token; check the spelling)' }));
    case 'invalid_type':
      return [{ path, message: `expected ${issue.expected === 'object' ? 'an object' : issue.expected}, got ${describe(issue.input)}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * Validates theme JSON (a string, or the already-parsed value) without throwing; for editors that
 * show every problem next to its token.
 */
export function safeParseTheme(json: unknown): SafeParseThemeResult {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (error) {
      return { success: false, issues: [{ path: ROOT, message: `not valid JSON (${(error as Error).message})` }] };
    }
  }
  const result = themeSchema.safeParse(data, { reportInput: true });
  return result.success ? { success: true, theme: result.data } : { success: false, issues: result.error.issues.flatMap(toThemeIssues) };
}

/**
 * Reads theme JSON exported by the Storybook theme editor (or written by serializeTheme).
 * Checks structure and values, not contrast: run checkTheme on the result for that.
 *
 * @throws ThemeParseError listing each bad token, e.g.
 *   `colors.primary: expected a CSS colour (hex, rgb() or oklch()), got "blue-ish"`.
 */
export function parseTheme(json: unknown): Theme {
  const result = safeParseTheme(json);
  if (!result.success) throw new ThemeParseError(result.issues);
  return result.theme;
}
