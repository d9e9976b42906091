export { contrastRatio, luminanceContrast, relativeLuminance } from './contrast.js';
export { fitToSrgbGamut, oklchToRgb, rgbToOklch, type Oklch } from './oklch.js';
export { formatOklch, roundOklch } from './format.js';
export { EXPECTED_COLOR, isColor, parseColor, parseColorOrThrow, parsedToOklch, parsedToRgb } from './parse.js';
export { clampRgb, clampUnit, type Rgb } from './srgb.js';

