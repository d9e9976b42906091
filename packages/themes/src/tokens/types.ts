/**
 * Semantic colour tokens. Every surface token `x` has an `x-foreground` for text on it; `border`,
 * `input` (form control borders) and `ring` (focus rings) are UI parts drawn on `background`.
 */
export const COLOR_TOKENS = [
  'background',
  'foreground',
  'card',
  'card-foreground',
  'popover',
  'popover-foreground',
  'primary',
  'primary-foreground',
  'secondary',
  'secondary-foreground',
  'muted',
  'muted-foreground',
  'accent',
  'accent-foreground',
  'destructive',
  'destructive-foreground',
  'success',
  'success-foreground',
  'warning',
  'warning-foreground',
  'border',
  'input',
  'ring',
] as const;

export type ColorToken = (typeof COLOR_TOKENS)[number];
export const SPACE_STEPS = ['1', '2', '3', '4', '5', '6', '7', '8'] as const;
export type SpaceStep = (typeof SPACE_STEPS)[number];
export const TEXT_STEPS = ['xs', 'sm', 'base', 'lg', 'xl', '2xl'] as const;
export type TextStep = (typeof TEXT_STEPS)[number];
export const SHADOW_STEPS = ['sm', 'md', 'lg'] as const;
export type ShadowStep = (typeof SHADOW_STEPS)[number];

export type ThemeMode = 'light' | 'dark';

/**
 * Which contrast minimums a theme is built and checked against. `AA`: WCAG 2.1 AA, 4.5:1 for text
 * and 3:1 for UI parts. `AAA`: 7:1 for text, and UI parts held at 4.5:1 (stricter than WCAG asks).
 */
export type ContrastLevel = 'AA' | 'AAA';

/** A complete theme: the tokens behind every `--au-*` CSS variable, plus what they were made for. */
export interface Theme {
  name: string;
  mode: ThemeMode;
  contrastLevel: ContrastLevel;
  /** CSS colours (`oklch()` from createTheme; hex and `rgb()` are accepted too). */
  colors: Record<ColorToken, string>;
  /** `base` is `--au-radius`; `sm` and `lg` are `--au-radius-sm` and `--au-radius-lg`. */
  radius: { sm: string; base: string; lg: string };
  /** Font stacks (`font-family` values). */
  font: { sans: string; mono: string };
  space: Record<SpaceStep, string>;
  /** Font sizes. */
  text: Record<TextStep, string>;
  /** `box-shadow` values. */
  shadow: Record<ShadowStep, string>;
  /** Durations (`120ms`) and a timing function for `--au-ease`. */
  motion: { fast: string; normal: string; slow: string; ease: string };
}

/** One contrast requirement and how a theme meets it. `pair` is [foreground, background]. */
export interface ContrastCheck {
  pair: readonly [ColorToken, ColorToken];
  ratio: number;
  required: number;
  passes: boolean;
}

/** A colour createTheme could not use as given, and what it used instead. */
export interface ThemeAdjustment {
  token: ColorToken;
  requested: string;
  used: string;
  reason: string;
}

/** What createTheme returns: the theme, what it had to change, and its contrast report. */
export interface GeneratedTheme extends Theme {
  adjustments: readonly ThemeAdjustment[];
  contrast: readonly ContrastCheck[];
}

/** The same brand in both modes (what toCssVariables needs to emit dark mode). */
export interface ThemePair<T extends Theme = Theme> {
  light: T;
  dark: T;
}
