import type { Theme } from './types.js';

/** Version of the theme JSON format; parseTheme refuses versions it does not know. */
export const THEME_FORMAT_VERSION = 1;

/** The tokens of a theme, in a fixed key order, without createTheme's report fields. */
export function themeTokens(theme: Theme): Theme {
  const { name, mode, contrastLevel, colors, radius, font, space, text, shadow, motion } = theme;
  return { name, mode, contrastLevel, colors, radius, font, space, text, shadow, motion };
}

/**
 * Theme JSON, the format designers export from the Storybook theme editor and parseTheme
 * (`@auterity/themes/schema`) reads back. Reports (adjustments, contrast) are not part of it.
 */
export function serializeTheme(theme: Theme): string {
  return `${JSON.stringify({ version: THEME_FORMAT_VERSION, ...themeTokens(theme) }, null, 2)}\n`;
}
