import * as z from 'zod/mini';
import { EXPECTED_COLOR, isColor } from '../color/index.js';
import { describe } from '../errors/index.js';
import {
  COLOR_TOKENS,
  isSafeCssValue,
  SHADOW_STEPS,
  SPACE_STEPS,
  TEXT_STEPS,
  THEME_FORMAT_VERSION,
  type ContrastLevel,
  type Theme,
  type ThemeMode,
} from '../tokens/index.js';
import { isCssDuration, isCssEasing, isCssLength } from './values.js';

/** A token value: one predicate, one message that says what was expected and what came instead. */
function value<T>(expected: string, accepts: (input: unknown) => input is T) {
  return z.custom<T>(accepts, {
    error: (issue) => (issue.input === undefined ? `missing; expected ${expected}` : `expected ${expected}, got ${describe(issue.input)}`),
  });
}

function oneOf<const T extends string>(options: readonly T[]) {
  const expected = options.map((option) => JSON.stringify(option)).join(' or ');
  return value(expected, (input): input is T => options.includes(input as T));
}

/** A strict object with the same value schema under each of `keys`: unknown keys are typos. */
function group<K extends string, S extends z.ZodMiniType>(keys: readonly K[], schema: S) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, schema])) as Record<K, S>);
}

const color = value(EXPECTED_COLOR, isColor);
const length = value('a CSS length such as "0.5rem" or "8px"', isCssLength);

const themeObject = z.strictObject({
  version: z.optional(
    value(`${THEME_FORMAT_VERSION} (the theme format version this package reads)`, (input): input is typeof THEME_FORMAT_VERSION => input === THEME_FORMAT_VERSION),
  ),
  name: value('a non-empty name', (input): input is string => typeof input === 'string' && input.trim() !== ''),
  mode: oneOf<ThemeMode>(['light', 'dark']),
  contrastLevel: z.optional(oneOf<ContrastLevel>(['AA', 'AAA'])),
  colors: group(COLOR_TOKENS, color),
  radius: group(['sm', 'base', 'lg'], length),
  font: group(['sans', 'mono'], value('a CSS font-family list such as "Inter, sans-serif"', isSafeCssValue)),
  space: group(SPACE_STEPS, length),
  text: group(TEXT_STEPS, length),
  shadow: group(SHADOW_STEPS, value('a CSS box-shadow (or "none")', isSafeCssValue)),
  motion: z.strictObject({
    fast: value('a CSS duration such as "150ms"', isCssDuration),
    normal: value('a CSS duration such as "200ms"', isCssDuration),
    slow: value('a CSS duration such as "300ms"', isCssDuration),
    ease: value('a CSS timing function such as "ease-out" or "cubic-bezier(0.2, 0, 0, 1)"', isCssEasing),
  }),
});

/**
 * zod schema of theme JSON (what serializeTheme writes). Parses to a Theme: `version` is checked,
 * then dropped; `contrastLevel` defaults to "AA".
 */
export const themeSchema: z.ZodMiniType<Theme> = z.pipe(
  themeObject,
  z.transform(({ version: _version, contrastLevel = 'AA', ...theme }): Theme => ({ ...theme, contrastLevel })),
);
