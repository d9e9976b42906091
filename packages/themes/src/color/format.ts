import type { Oklch } from './oklch.js';

const round = (value: number, digits: number): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/**
 * Rounds to the precision `formatOklch` writes: 4 decimals for L and C, 2 for hue. That is finer
 * than one 8-bit sRGB step, so a hex colour survives the trip through OKLCH unchanged.
 */
export function roundOklch({ l, c, h }: Oklch): Oklch {
  const chroma = round(c, 4);
  return { l: round(l, 4), c: chroma, h: chroma === 0 ? 0 : round(h, 2) % 360 };
}

export function formatOklch(color: Oklch): string {
  const { l, c, h } = roundOklch(color);
  return `oklch(${l} ${c} ${h})`;
}
