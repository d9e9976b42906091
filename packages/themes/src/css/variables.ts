import { invalid } from '../errors/index.js';
import {
  isSafeCssValue,
  VARIABLE_SOURCES,
  type CssVariableName,
  type Theme,
  type ThemeMode,
  type ThemePair,
} from '../tokens/index.js';

/** `--au-*` variable -> value, in contract order; usable directly as a React `style` object. */
export type CssVariableObject = Record<CssVariableName, string>;

function variables(theme: Theme, caller: string): CssVariableObject {
  const result: Partial<CssVariableObject> = {};
  for (const [group, key, name] of VARIABLE_SOURCES) {
    const value: unknown = (theme[group] as Record<string, unknown> | undefined)?.[key];
    if (!isSafeCssValue(value)) invalid(`${caller}: ${group}.${key}`, 'a CSS value without ; { } < > or \\', value);
    result[name] = value.trim();
  }
  return result as CssVariableObject;
}

/**
 * A theme as `{ '--au-primary': 'oklch(…)', … }`: pass it as a React `style` to theme one
 * subtree, or merge it into an `appearance.variables` override.
 */
export function toCssVariableObject(theme: Theme): CssVariableObject {
  return variables(theme, 'toCssVariableObject()');
}

export interface CssVariablesOptions {
  /** Where the variables apply. Default `.au-root`, the class AuterityProvider renders. */
  selector?: string;
  /** Shorten `--au-duration-*` to 1ms under `prefers-reduced-motion: reduce`. Default true. */
  reducedMotion?: boolean;
}

function rule(selector: string, declarations: Record<string, string>, indent = ''): string {
  const body = Object.entries(declarations)
    .map(([name, value]) => `${indent}  ${name}: ${value};`)
    .join('\n');
  return `${indent}${selector} {\n${body}\n${indent}}`;
}

const scheme = (mode: ThemeMode): string => (mode === 'dark' ? 'dark' : 'light');

function isThemePair(value: Theme | ThemePair): value is ThemePair {
  return typeof (value as Partial<ThemePair>).light === 'object';
}

/**
 * The theme as CSS text: its variables on `selector` (default `.au-root`), plus `color-scheme` so
 * native controls and scrollbars follow the mode.
 *
 * Given a `{ light, dark }` pair, light is the default and dark applies where the scoped element
 * carries `data-au-mode="dark"`; with `data-au-mode="system"` it follows `prefers-color-scheme`.
 * Dark rules repeat only the variables that differ from light.
 */
export function toCssVariables(theme: Theme | ThemePair, options: CssVariablesOptions = {}): string {
  const { selector = '.au-root', reducedMotion = true } = options;
  if (!isSafeCssValue(selector)) invalid('toCssVariables(): selector', 'a CSS selector', selector);
  const root = selector.trim();
  // A selector list must be grouped before a mode attribute is appended to it.
  const scope = root.includes(',') ? `:is(${root})` : root;
  const [base, dark] = isThemePair(theme) ? [theme.light, theme.dark] : [theme];
  const baseVariables = variables(base, 'toCssVariables()');
  const blocks = [rule(root, { 'color-scheme': scheme(base.mode), ...baseVariables })];
  const motionScopes = [root];

  if (dark) {
    const changed = Object.entries(variables(dark, 'toCssVariables()')).filter(([name, value]) => baseVariables[name as CssVariableName] !== value);
    const declarations = { 'color-scheme': scheme(dark.mode), ...Object.fromEntries(changed) };
    const [darkScope, systemScope] = [`${scope}[data-au-mode="dark"]`, `${scope}[data-au-mode="system"]`];
    blocks.push(rule(darkScope, declarations), media('prefers-color-scheme: dark', rule(systemScope, declarations, '  ')));
    // Listed so the equal-specificity mode rules cannot win the durations back.
    motionScopes.push(darkScope, systemScope);
  }
  if (reducedMotion) {
    // 1ms rather than 0: transitionend never fires for zero-length transitions, and components wait on it.
    const instant = { '--au-duration-fast': '1ms', '--au-duration-normal': '1ms', '--au-duration-slow': '1ms' };
    blocks.push(media('prefers-reduced-motion: reduce', rule(motionScopes.join(', '), instant, '  ')));
  }
  return `${blocks.join('\n\n')}\n`;
}

const media = (query: string, body: string): string => `@media (${query}) {\n${body}\n}`;
