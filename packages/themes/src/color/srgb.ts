/** An sRGB colour with channels in 0..1 (gamma-encoded, as written in CSS). */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** sRGB transfer function, encoded -> linear light (IEC 61966-2-1). */
export function toLinear(channel: number): number {
  const abs = Math.abs(channel);
  const linear = abs <= 0.04045 ? abs / 12.92 : ((abs + 0.055) / 1.055) ** 2.4;
  return Math.sign(channel) * linear;
}

/** Inverse sRGB transfer function, linear light -> encoded. */
export function fromLinear(channel: number): number {
  const abs = Math.abs(channel);
  const encoded = abs <= 0.0031308 ? abs * 12.92 : 1.055 * abs ** (1 / 2.4) - 0.055;
  return Math.sign(channel) * encoded;
}

/** Clamps to 0..1. */
export const clampUnit = (value: number): number => Math.min(1, Math.max(0, value));

export function clampRgb({ r, g, b }: Rgb): Rgb {
  return { r: clampUnit(r), g: clampUnit(g), b: clampUnit(b) };
}
