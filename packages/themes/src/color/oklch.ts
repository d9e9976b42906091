// sRGB <-> OKLab <-> OKLCH, after Björn Ottosson's reference implementation
// (https://bottosson.github.io/posts/oklab/). Written out here rather than pulled from a colour
// library so the themes runtime stays a few kilobytes.
import { clampUnit, fromLinear, toLinear, type Rgb } from './srgb.js';

/** OKLCH: lightness 0..1, chroma >= 0 (about 0.37 at most inside sRGB), hue in degrees 0..360. */
export interface Oklch {
  l: number;
  c: number;
  h: number;
}

export function rgbToOklch({ r, g, b }: Rgb): Oklch {
  const lr = toLinear(r);
  const lg = toLinear(g);
  const lb = toLinear(b);
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  const c = Math.hypot(A, B);
  // Greys have no meaningful hue; 0 keeps the output stable instead of echoing float noise.
  const h = c < 1e-6 ? 0 : ((Math.atan2(B, A) * 180) / Math.PI + 360) % 360;
  return { l: L, c, h };
}

/** Linear-light sRGB; unclamped, so channels outside 0..1 mean the colour is outside the sRGB gamut. */
function oklchToLinearRgb({ l: L, c, h }: Oklch): Rgb {
  const hue = (h * Math.PI) / 180;
  const A = c * Math.cos(hue);
  const B = c * Math.sin(hue);
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3;
  return {
    r: 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    g: -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    b: -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  };
}

/** Gamma-encoded sRGB, unclamped. */
export function oklchToRgb(color: Oklch): Rgb {
  const { r, g, b } = oklchToLinearRgb(color);
  return { r: fromLinear(r), g: fromLinear(g), b: fromLinear(b) };
}

// Tolerance for float noise at the gamut edge (white computes to 0.99999...), in linear light.
const GAMUT_EPSILON = 1e-6;

export function isInSrgbGamut(color: Oklch): boolean {
  // The transfer function maps 0..1 onto 0..1, so checking linear light is enough (and cheaper).
  const { r, g, b } = oklchToLinearRgb(color);
  return [r, g, b].every((channel) => channel >= -GAMUT_EPSILON && channel <= 1 + GAMUT_EPSILON);
}

/**
 * Brings a colour into sRGB by lowering chroma only, so lightness and hue, the parts a brand is
 * recognised by, survive (CSS Color 4 gamut mapping works the same way, minus its deltaE shortcut).
 */
export function fitToSrgbGamut(color: Oklch): Oklch {
  const l = clampUnit(color.l);
  const target = { l, c: Math.max(0, color.c), h: color.h };
  if (isInSrgbGamut(target)) return target;
  let low = 0;
  let high = target.c;
  // 16 halvings resolve chroma to ~1e-5, finer than the 4 decimals written out.
  for (let step = 0; step < 16; step++) {
    const mid = (low + high) / 2;
    if (isInSrgbGamut({ l, c: mid, h: color.h })) low = mid;
    else high = mid;
  }
  return { l, c: low, h: color.h };
}
