// @auterity/themes/schema: theme JSON validation. A separate entry point because zod is many times
// the size of the rest of the package, and most apps only need the runtime.
export { parseTheme, safeParseTheme, ThemeParseError, type SafeParseThemeResult, type ThemeIssue } from './parse-theme.js';
export { themeSchema } from './theme-schema.js';
