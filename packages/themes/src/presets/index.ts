import { createTheme, type CreateThemeOptions } from '../palette/index.js';
import type { GeneratedTheme, ThemePair } from '../tokens/index.js';

// Presets are built by createTheme at import, so they carry the same contrast guarantee as any
// generated theme (and cost bytes of code, not of data). Each names a brand colour per mode, deeper
// for light and brighter for dark, so none relies on createTheme adjusting it. PURE marks let
// bundlers drop the presets an app never uses.

type Shared = Omit<CreateThemeOptions, 'brand' | 'mode' | 'name'>;

function pair(name: string, light: string, dark: string, shared?: Shared): ThemePair<GeneratedTheme> {
  const build = (mode: 'light' | 'dark', brand: string) => createTheme({ ...shared, name: `${name}-${mode}`, mode, brand });
  return { light: build('light', light), dark: build('dark', dark) };
}

/** Neutral default: near-black (light) / near-white (dark) primary on plain greys. */
const neutralPair = /* @__PURE__ */ pair('default', 'oklch(0.205 0 0)', 'oklch(0.922 0 0)');
/** Built to WCAG AAA: 7:1 for text, 4.5:1 for UI parts; black on white and white on black. */
const highContrastPair = /* @__PURE__ */ pair('high-contrast', '#1e40af', '#93c5fd', { neutral: '#000', contrastLevel: 'AAA' });

export const light: GeneratedTheme = neutralPair.light;
export const dark: GeneratedTheme = neutralPair.dark;
export const highContrast: GeneratedTheme = highContrastPair.light;
export const highContrastDark: GeneratedTheme = highContrastPair.dark;
/** Sky blue on cool slate greys. */
export const ocean: ThemePair<GeneratedTheme> = /* @__PURE__ */ pair('ocean', '#0369a1', '#38bdf8', { neutral: '#64748b' });
/** Deep green on warm stone greys, slightly rounder. */
export const forest: ThemePair<GeneratedTheme> = /* @__PURE__ */ pair('forest', '#15803d', '#4ade80', { neutral: '#78716c', radius: '0.625rem' });
/** Orange on warm greys, round corners. */
export const sunset: ThemePair<GeneratedTheme> = /* @__PURE__ */ pair('sunset', '#ea580c', '#fb923c', { neutral: '#a8a29e', radius: '0.75rem' });

/** Every preset as a light/dark pair, e.g. for a theme switcher. */
export const presets = {
  default: neutralPair,
  highContrast: highContrastPair,
  ocean,
  forest,
  sunset,
} satisfies Record<string, ThemePair<GeneratedTheme>>;

export type PresetName = keyof typeof presets;
