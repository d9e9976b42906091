import { invalid } from '../errors/index.js';
import { parseColorOrThrow, parsedToOklch, type Oklch } from '../color/index.js';
import { DEFAULT_MONO, DEFAULT_RADIUS, DEFAULT_SANS, isSafeCssValue, type ContrastLevel, type Theme, type ThemeMode } from '../tokens/index.js';

export interface CreateThemeOptions {
  /** The brand colour (`#rgb`, `#rrggbb`, `rgb()` or `oklch()`): becomes `primary` and `ring`. */
  brand: string;
  mode: ThemeMode;
  /** Tints the greys (its hue and chroma are used). Default: a faint tint of the brand hue. */
  neutral?: string;
  /** Highlight surface for hover and selection. Default: a soft tint of the brand. */
  accent?: string;
  /** Replace the built-in red, green and amber status colours. */
  destructive?: string;
  success?: string;
  warning?: string;
  /** Corner radius: a number of pixels or a CSS length (`"0.5rem"`, `"6px"`). Default `0.5rem`. */
  radius?: number | string;
  /** A `font-family` for text, or both stacks. A generic fallback is appended when missing. */
  font?: string | { sans?: string; mono?: string };
  /** Default `custom-<mode>`. */
  name?: string;
  /** Default `AA`. `AAA` builds a high-contrast palette (7:1 text, 4.5:1 UI parts). */
  contrastLevel?: ContrastLevel;
}

const COLOR_OPTIONS = ['brand', 'neutral', 'accent', 'destructive', 'success', 'warning'] as const;
export type ColorOption = (typeof COLOR_OPTIONS)[number];

export interface RequestedColor {
  /** The option value as the caller wrote it, for the adjustment report. */
  text: string;
  oklch: Oklch;
}

export interface ResolvedOptions {
  mode: ThemeMode;
  contrastLevel: ContrastLevel;
  name: string;
  /** Colour options that were given (`brand` always is). */
  colors: Partial<Record<ColorOption, RequestedColor>> & { brand: RequestedColor };
  radius: Theme['radius'];
  font: Theme['font'];
}

function fail(option: string, expected: string, value: unknown): never {
  return invalid(`createTheme(): ${option}`, expected, value);
}

const LENGTH = /^(\d+\.?\d*|\.\d+)(px|rem|em)$/;

function radius(value: number | string): Theme['radius'] {
  const text = typeof value === 'number' ? `${value}px` : String(value).trim();
  const match = LENGTH.exec(text === '0' ? '0px' : text);
  if (!match) fail('radius', 'pixels (a number >= 0) or a length such as "0.5rem"', value);
  const [, amount = '0', unit = 'px'] = match;
  const scaled = (factor: number): string => `${Math.round(Number(amount) * factor * 1e4) / 1e4}${unit}`;
  // Small controls (badges, checkboxes) get half the radius, large surfaces (dialogs) one and a half.
  return { sm: scaled(0.5), base: scaled(1), lg: scaled(1.5) };
}

// Ends in a generic family (sans-serif, ui-serif, monospace, system-ui...), so never falls back to the browser default.
const GENERIC_FAMILY = /(serif|monospace|system-ui|cursive|fantasy|math|emoji)\s*$/i;

function fontStack(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (!isSafeCssValue(value)) fail(option, 'a font-family list such as "Inter, sans-serif"', value);
  const stack = value.trim();
  // A lone web font would fall back to the browser's serif default while it loads, or if it fails.
  return GENERIC_FAMILY.test(stack) ? stack : `${stack}, ${fallback}`;
}

function font(value: CreateThemeOptions['font']): Theme['font'] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { sans: fontStack('font.sans', value.sans, DEFAULT_SANS), mono: fontStack('font.mono', value.mono, DEFAULT_MONO) };
  }
  return { sans: fontStack('font', value, DEFAULT_SANS), mono: DEFAULT_MONO };
}

/** Validates createTheme's options; every error names the option and what was expected. */
export function resolveOptions(options: CreateThemeOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const { mode, contrastLevel = 'AA', name = `custom-${mode}` } = options;
  if (mode !== 'light' && mode !== 'dark') fail('mode', '"light" or "dark"', mode);
  if (contrastLevel !== 'AA' && contrastLevel !== 'AAA') fail('contrastLevel', '"AA" or "AAA"', contrastLevel);
  if (typeof name !== 'string' || name.trim() === '') fail('name', 'a non-empty string', name);
  const colors: Partial<Record<ColorOption, RequestedColor>> = {};
  for (const option of COLOR_OPTIONS) {
    const value = options[option];
    if (value !== undefined || option === 'brand') {
      colors[option] = { text: String(value), oklch: parsedToOklch(parseColorOrThrow(value, `createTheme(): ${option}`)) };
    }
  }
  return {
    mode,
    contrastLevel,
    name,
    colors: colors as ResolvedOptions['colors'],
    radius: radius(options.radius ?? DEFAULT_RADIUS),
    font: font(options.font),
  };
}
