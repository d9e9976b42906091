import {
  clampRgb,
  clampUnit,
  fitToSrgbGamut,
  formatOklch,
  luminanceContrast,
  oklchToRgb,
  relativeLuminance,
  rgbToOklch,
  roundOklch,
  type Oklch,
} from '../color/index.js';

/**
 * A colour exactly as it will be written to CSS, with the luminance of that very value: contrast
 * is measured on what ships, so a theme that passes here passes checkTheme (which re-parses the
 * CSS string) bit for bit.
 */
export interface Swatch {
  oklch: Oklch;
  css: string;
  luminance: number;
}

export function swatch(color: Oklch): Swatch {
  // Snapped to the 8-bit sRGB grid screens display (the grid WCAG's formula is defined on), so
  // checkers that quantise and checkers that do not measure the same contrast.
  const { r, g, b } = clampRgb(oklchToRgb(fitToSrgbGamut(color)));
  const rounded = roundOklch(rgbToOklch({ r: snap(r), g: snap(g), b: snap(b) }));
  return { oklch: rounded, css: formatOklch(rounded), luminance: relativeLuminance(clampRgb(oklchToRgb(rounded))) };
}

export function contrast(a: Swatch, b: Swatch): number {
  return luminanceContrast(a.luminance, b.luminance);
}

const snap = (channel: number): number => Math.round(channel * 255) / 255;

const LIGHTNESS_STEP = 0.01;
const REFINE_STEPS = 8;

/**
 * The swatch of the given chroma and hue whose lightness is closest to `preferred.l` and that
 * `accepts`. Lightness is the one axis moved: hue and chroma carry a brand's identity, lightness
 * carries contrast. Scans outward in 0.01 steps, then bisects the last step to land on the edge.
 */
export function fitLightness(preferred: Oklch, accepts: (candidate: Swatch) => boolean): Swatch {
  const at = (l: number): Swatch => swatch({ ...preferred, l });
  const start = at(preferred.l);
  if (accepts(start)) return start;
  let best: Swatch | undefined;
  for (let step = 1; step * LIGHTNESS_STEP <= 1 + LIGHTNESS_STEP && !best; step++) {
    for (const direction of [-1, 1]) {
      const failing = clampUnit(preferred.l + direction * (step - 1) * LIGHTNESS_STEP);
      const l = clampUnit(preferred.l + direction * step * LIGHTNESS_STEP);
      if (l === failing) continue; // already at 0 or 1 on this side
      const candidate = at(l);
      if (!accepts(candidate)) continue;
      const refined = refine(failing, l, at, accepts) ?? candidate;
      if (!best || Math.abs(refined.oklch.l - preferred.l) < Math.abs(best.oklch.l - preferred.l)) best = refined;
    }
  }
  if (!best) throw new Error(`@auterity/themes: no lightness of ${formatOklch(preferred)} meets the minimums`);
  return best;
}

function refine(failing: number, passing: number, at: (l: number) => Swatch, accepts: (candidate: Swatch) => boolean): Swatch | undefined {
  let result: Swatch | undefined;
  for (let i = 0; i < REFINE_STEPS; i++) {
    const mid = (failing + passing) / 2;
    const candidate = at(mid);
    if (accepts(candidate)) {
      passing = mid;
      result = candidate;
    } else failing = mid;
  }
  return result;
}
