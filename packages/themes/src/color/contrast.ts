import { parseColorOrThrow, parsedToRgb } from './parse.js';
import { toLinear, type Rgb } from './srgb.js';

/**
 * WCAG 2.1 relative luminance of an sRGB colour (0 for black, 1 for white). WCAG prints 0.03928 as
 * the linear-segment threshold, sRGB 0.04045; no 8-bit value (10/255 = 0.0392, 11/255 = 0.0431)
 * lies between them, so both give the same result.
 */
export function relativeLuminance({ r, g, b }: Rgb): number {
  return 0.2126 * toLinear(r) + 0.7152 * toLinear(g) + 0.0722 * toLinear(b);
}

/** WCAG 2.1 contrast ratio of two luminances, 1..21 regardless of order. */
export function luminanceContrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

function luminanceOf(color: string, argument: string): number {
  return relativeLuminance(parsedToRgb(parseColorOrThrow(color, `contrastRatio(): ${argument}`)));
}

/**
 * WCAG 2.1 contrast ratio between two CSS colours (hex, rgb() or oklch()), from 1 to 21.
 * Not rounded: WCAG thresholds are exact, so 4.499 fails 4.5.
 */
export function contrastRatio(a: string, b: string): number {
  return luminanceContrast(luminanceOf(a, 'a'), luminanceOf(b, 'b'));
}
