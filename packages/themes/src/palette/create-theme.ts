import type { Oklch } from '../color/index.js';
import { checkTheme, CONTRAST_MINIMUMS } from '../contrast/index.js';
import {
  COLOR_TOKENS,
  DEFAULT_MOTION,
  DEFAULT_SPACE,
  DEFAULT_TEXT,
  defaultShadows,
  type ColorToken,
  type ContrastLevel,
  type GeneratedTheme,
  type Theme,
  type ThemeAdjustment,
  type ThemeMode,
} from '../tokens/index.js';
import { resolveOptions, type CreateThemeOptions, type RequestedColor } from './options.js';
import { contrast, fitLightness, swatch, type Swatch } from './swatch.js';

/** A neutral tone: [OKLCH lightness, share of the neutral tint's chroma]. */
type Tone = readonly [l: number, chromaShare: number];
/**
 * Neutral targets per mode and contrast level. `foreground`, `mutedForeground` and `input` are
 * starting points, moved until they meet their minimum on every surface; the rest are used as is.
 */
type NeutralPlan = readonly [background: Tone, card: Tone, muted: Tone, border: Tone, foreground: Tone, mutedForeground: Tone, input: Tone];

const NEUTRALS: Record<`${ThemeMode}-${ContrastLevel}`, NeutralPlan> = {
  'light-AA': [[1, 0], [1, 0], [0.967, 0.3], [0.922, 0.4], [0.145, 1], [0.556, 0.8], [0.72, 0.6]],
  'dark-AA': [[0.145, 1], [0.205, 1], [0.269, 1], [0.32, 1], [0.985, 0.2], [0.708, 0.8], [0.45, 1]],
  'light-AAA': [[1, 0], [1, 0], [0.95, 0.3], [0.45, 0.5], [0, 0], [0.35, 0.5], [0.45, 0.5]],
  'dark-AAA': [[0, 0], [0.15, 0.5], [0.22, 0.5], [0.7, 0.5], [1, 0], [0.85, 0.3], [0.7, 0.5]],
};

type StatusToken = 'destructive' | 'success' | 'warning';
/** Status colours as OKLCH [l, c, h] (Tailwind's red, green and amber, tuned per mode); moved only if they must be. */
const STATUS: Record<ThemeMode, Record<StatusToken, readonly [number, number, number]>> = {
  light: { destructive: [0.577, 0.245, 27.33], success: [0.527, 0.154, 150.07], warning: [0.769, 0.188, 70.08] },
  dark: { destructive: [0.704, 0.191, 22.22], success: [0.723, 0.219, 149.58], warning: [0.828, 0.189, 84.43] },
};

/**
 * Colours createTheme picks itself aim 1% above the minimum, so a different contrast
 * implementation (axe's, a browser's 8-bit rendering) cannot tip them under it.
 */
const SAFETY_FACTOR = 1.01;
const WHITE = /* @__PURE__ */ swatch({ l: 1, c: 0, h: 0 });
const BLACK = /* @__PURE__ */ swatch({ l: 0, c: 0, h: 0 });

const decimals = (value: number): number => Math.round(value * 1000) / 1000;

function meets(candidate: Swatch, surfaces: readonly Swatch[], ratio: number): boolean {
  return surfaces.every((surface) => contrast(candidate, surface) >= ratio);
}

/** Text for a filled surface: one of its own `tints` where that reaches `ratio`, else white or black. */
function foregroundFor(fill: Swatch, ratio: number, tints: readonly [Swatch, Swatch]): Swatch | undefined {
  for (const [first, second] of [tints, [WHITE, BLACK]] as const) {
    const best = contrast(first, fill) >= contrast(second, fill) ? first : second;
    if (contrast(best, fill) >= ratio) return best;
  }
  return undefined;
}

/**
 * Builds a complete theme around a brand colour, in OKLCH, that meets its contrast level (WCAG 2.1
 * AA by default) by construction: each colour is placed by moving only its lightness until every
 * pair it belongs to passes. Requested colours that had to change are listed in `adjustments`.
 *
 * @throws TypeError naming the option, when an option is invalid.
 */
export function createTheme(options: CreateThemeOptions): GeneratedTheme {
  const { mode, contrastLevel, name, colors: requested, radius, font } = resolveOptions(options);
  const minimum = CONTRAST_MINIMUMS[contrastLevel];
  const target = { text: minimum.text * SAFETY_FACTOR, ui: minimum.ui * SAFETY_FACTOR };
  const brand = requested.brand.oklch;
  // Without an explicit neutral, greys carry a whisper of the brand hue so the palette feels of a piece.
  const tint = requested.neutral?.oklch ?? { l: 0, c: Math.min(brand.c, 0.1) * 0.1, h: brand.h };
  const tone = ([l, share]: Tone): Oklch => ({ l, c: tint.c * share, h: tint.h });

  const [background, card, muted, border, foregroundTone, mutedForegroundTone, inputTone] = NEUTRALS[`${mode}-${contrastLevel}`];
  const surface = (shade: Tone): Swatch => swatch(tone(shade));
  const swatches: Partial<Record<ColorToken, Swatch>> = {};
  const surfaces = [(swatches.background = surface(background)), (swatches.card = swatches.popover = surface(card))];
  swatches.muted = surface(muted);
  swatches.border = surface(border);
  const onSurfaces = (shade: Tone, ratio: number, extra: Swatch[] = []): Swatch =>
    fitLightness(tone(shade), (candidate) => meets(candidate, [...surfaces, ...extra], ratio));
  swatches.foreground = swatches['card-foreground'] = swatches['popover-foreground'] = onSurfaces(foregroundTone, target.text, [swatches.muted]);
  swatches['muted-foreground'] = onSurfaces(mutedForegroundTone, target.text, [swatches.muted]);
  swatches.input = onSurfaces(inputTone, target.ui);

  const adjustments: ThemeAdjustment[] = [];
  /**
   * Places a filled token and its `-foreground`. UI parts (solid buttons) must also stand out from
   * the surfaces they sit on. A requested colour that already passes is used as given; one that
   * had to move is reported.
   */
  const fill = (token: 'primary' | 'secondary' | 'accent' | StatusToken, preferred: Oklch, wish?: RequestedColor, isUiPart = false): Swatch => {
    const { c, h } = preferred;
    const tints = [swatch({ l: 0.985, c: Math.min(c, 0.02), h }), swatch({ l: 0.205, c: Math.min(c, 0.04), h })] as const;
    const textOn = (candidate: Swatch, ratio: number) => foregroundFor(candidate, ratio, tints);
    const works = (candidate: Swatch, goal: typeof target): boolean =>
      (!isUiPart || meets(candidate, surfaces, goal.ui)) && textOn(candidate, goal.text) !== undefined;
    const asGiven = swatch(preferred);
    const used = wish && works(asGiven, minimum) ? asGiven : fitLightness(preferred, (candidate) => works(candidate, target));
    swatches[token] = used;
    swatches[`${token}-foreground`] = textOn(used, target.text) ?? textOn(used, minimum.text);
    if (wish) {
      // e.g. "lightness 0.861 -> 0.67 for 3:1 against background and card; chroma 0.173 -> 0.137 to fit sRGB"
      const missed = [
        isUiPart && !meets(asGiven, surfaces, minimum.ui) && `${minimum.ui}:1 against background and card`,
        !textOn(asGiven, minimum.text) && `${minimum.text}:1 with ${token}-foreground`,
      ];
      const reasons = [
        used !== asGiven && `lightness ${decimals(asGiven.oklch.l)} -> ${decimals(used.oklch.l)} for ${missed.filter(Boolean).join(' and ')}`,
        used.oklch.c < wish.oklch.c - 2e-3 && `chroma ${decimals(wish.oklch.c)} -> ${decimals(used.oklch.c)} to fit sRGB`,
      ].filter(Boolean);
      if (reasons.length > 0) adjustments.push({ token, requested: wish.text, used: used.css, reason: reasons.join('; ') });
    }
    return used;
  };

  // The focus ring is the brand colour, placed to stand out on every surface.
  swatches.ring = fill('primary', brand, requested.brand, true);
  fill('secondary', swatches.muted.oklch);
  fill('accent', requested.accent?.oklch ?? { l: mode === 'light' ? 0.95 : 0.3, c: Math.min(brand.c, 0.05), h: brand.h }, requested.accent);
  for (const token of ['destructive', 'success', 'warning'] as const) {
    const [l, c, h] = STATUS[mode][token];
    fill(token, requested[token]?.oklch ?? { l, c, h }, requested[token], token === 'destructive');
  }

  const theme: Theme = {
    name,
    mode,
    contrastLevel,
    colors: Object.fromEntries(COLOR_TOKENS.map((token) => [token, (swatches[token] as Swatch).css])) as Theme['colors'],
    radius,
    font,
    space: { ...DEFAULT_SPACE },
    text: { ...DEFAULT_TEXT },
    shadow: defaultShadows(mode),
    motion: { ...DEFAULT_MOTION },
  };
  return { ...theme, adjustments, contrast: checkTheme(theme) };
}
