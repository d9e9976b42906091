import { invalid } from '../errors/index.js';
import { oklchToRgb, rgbToOklch, type Oklch } from './oklch.js';
import { clampRgb, type Rgb } from './srgb.js';

/** What the parser kept: sRGB input stays exact sRGB; OKLCH input may lie outside the sRGB gamut. */
export type ParsedColor = { space: 'srgb'; rgb: Rgb } | { space: 'oklch'; oklch: Oklch };

/** Wording shared by every error about a colour value, so messages read the same everywhere. */
export const EXPECTED_COLOR = 'a CSS colour (hex, rgb() or oklch())';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/;

/**
 * A CSS <number> (or <percentage>, scaled so 100% is `percent`) within 0..max; `none` (a missing
 * component) reads as 0. NaN when invalid or out of range: a typo should not be clamped into a colour.
 */
function component(token: string, percent: number, max: number): number {
  if (token === 'none') return 0;
  const isPercent = token.endsWith('%');
  const text = isPercent ? token.slice(0, -1) : token;
  const value = NUMBER.test(text) ? (isPercent ? (Number(text) / 100) * percent : Number(text)) : Number.NaN;
  return value >= 0 && value <= max ? value : Number.NaN;
}

/**
 * Parses the colour syntaxes themes accept: `#rgb`, `#rrggbb`, opaque `rgb()`/`rgba()` (comma or
 * space separated) and `oklch()`. Returns undefined for anything else, so each caller can name the
 * option at fault.
 */
export function parseColor(value: unknown): ParsedColor | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text)?.[1];
  if (hex) {
    const digits = hex.length === 3 ? hex.replace(/./g, '$&$&') : hex;
    const [r, g, b] = [0, 2, 4].map((index) => parseInt(digits.slice(index, index + 2), 16) / 255) as [number, number, number];
    return { space: 'srgb', rgb: { r, g, b } };
  }
  const [, fn, body = ''] = /^(rgba?|oklch)\(\s*(.*?)\s*\)$/.exec(text) ?? [];
  // rgb() has a legacy comma form; oklch() is space-separated only, as in CSS.
  const parts = body.includes(',') ? (fn === 'oklch' ? [] : body.split(/\s*,\s*/)) : body.split(/\s+/);
  if (!fn || parts.length !== 3) return undefined;
  const [first = '', second = '', third = ''] = parts;
  if (fn === 'oklch') {
    // CSS Color 4: 100% chroma is 0.4. Hue is an angle in degrees, normalised only when needed:
    // `(h % 360 + 360) % 360` would perturb an in-range hue by an ulp.
    const angle = third.replace(/deg$/, '');
    const h = third === 'none' ? 0 : NUMBER.test(angle) ? Number(angle) : Number.NaN;
    const oklch = { l: component(first, 1, 1), c: component(second, 0.4, 10), h: h >= 0 && h < 360 ? h : ((h % 360) + 360) % 360 };
    return Object.values(oklch).some(Number.isNaN) ? undefined : { space: 'oklch', oklch };
  }
  const [r, g, b] = parts.map((part) => component(part, 255, 255) / 255) as [number, number, number];
  return [r, g, b].some(Number.isNaN) ? undefined : { space: 'srgb', rgb: { r, g, b } };
}

export function isColor(value: unknown): value is string {
  return parseColor(value) !== undefined;
}

/** The sRGB colour a browser paints for this value (out-of-gamut OKLCH clipped, as on sRGB screens). */
export function parsedToRgb(color: ParsedColor): Rgb {
  return color.space === 'srgb' ? color.rgb : clampRgb(oklchToRgb(color.oklch));
}

export function parsedToOklch(color: ParsedColor): Oklch {
  return color.space === 'oklch' ? color.oklch : rgbToOklch(color.rgb);
}

/** Parses or throws a TypeError that says where the bad value came from. */
export function parseColorOrThrow(value: unknown, where: string): ParsedColor {
  return parseColor(value) ?? invalid(where, EXPECTED_COLOR, value);
}

