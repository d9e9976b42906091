// @auterity/themes: design tokens -> CSS variables, accessible palettes, presets.
// Theme JSON validation (zod) lives in `@auterity/themes/schema` to keep this entry small.
export { contrastRatio } from './color/index.js';
export { checkTheme } from './contrast/index.js';
export { toCssVariableObject, toCssVariables, type CssVariableObject, type CssVariablesOptions } from './css/index.js';
export { createTheme, type CreateThemeOptions } from './palette/index.js';
export { dark, forest, highContrast, highContrastDark, light, ocean, presets, sunset, type PresetName } from './presets/index.js';
export {
  COLOR_TOKENS,
  CSS_VARIABLE_NAMES,
  serializeTheme,
  type ColorToken,
  type ContrastCheck,
  type ContrastLevel,
  type CssVariableName,
  type GeneratedTheme,
  type ShadowStep,
  type SpaceStep,
  type TextStep,
  type Theme,
  type ThemeAdjustment,
  type ThemeMode,
  type ThemePair,
} from './tokens/index.js';
