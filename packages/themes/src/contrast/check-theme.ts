import { invalid } from '../errors/index.js';
import { luminanceContrast, parseColorOrThrow, parsedToRgb, relativeLuminance } from '../color/index.js';
import type { ColorToken, ContrastCheck, ContrastLevel, Theme } from '../tokens/index.js';
import { CONTRAST_MINIMUMS, TEXT_PAIRS, UI_PAIRS } from './requirements.js';

/**
 * The contrast report for a theme's colours: every text pair and UI part with its WCAG 2.1 ratio,
 * the minimum it needs at `level` (default: the theme's own `contrastLevel`, else AA), and whether
 * it passes. Ratios are not rounded: WCAG thresholds are exact, so 4.499 fails 4.5.
 */
export function checkTheme(theme: { colors: Theme['colors']; contrastLevel?: ContrastLevel }, level?: ContrastLevel): ContrastCheck[] {
  const chosen = level ?? theme.contrastLevel ?? 'AA';
  const minimums = CONTRAST_MINIMUMS[chosen] ?? invalid('checkTheme(): level', '"AA" or "AAA"', chosen);
  const known: Partial<Record<ColorToken, number>> = {};
  const luminance = (token: ColorToken): number =>
    (known[token] ??= relativeLuminance(parsedToRgb(parseColorOrThrow(theme.colors[token], `checkTheme(): colors.${token}`))));
  const check = (required: number) => (pair: readonly [ColorToken, ColorToken]): ContrastCheck => {
    const ratio = luminanceContrast(luminance(pair[0]), luminance(pair[1]));
    return { pair, ratio, required, passes: ratio >= required };
  };
  return [...TEXT_PAIRS.map(check(minimums.text)), ...UI_PAIRS.map(check(minimums.ui))];
}
