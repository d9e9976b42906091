export { CSS_VARIABLE_NAMES, VARIABLE_SOURCES, type CssVariableName } from './css-names.js';
export { DEFAULT_MONO, DEFAULT_MOTION, DEFAULT_RADIUS, DEFAULT_SANS, DEFAULT_SPACE, DEFAULT_TEXT, defaultShadows } from './defaults.js';
export { serializeTheme, THEME_FORMAT_VERSION, themeTokens } from './serialize.js';
export {
  COLOR_TOKENS,
  SHADOW_STEPS,
  SPACE_STEPS,
  TEXT_STEPS,
  type ColorToken,
  type ContrastCheck,
  type ContrastLevel,
  type GeneratedTheme,
  type ShadowStep,
  type SpaceStep,
  type TextStep,
  type Theme,
  type ThemeAdjustment,
  type ThemeMode,
  type ThemePair,
} from './types.js';
export { isSafeCssValue } from './css-values.js';
