import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  fitToSrgbGamut,
  formatOklch,
  oklchToRgb,
  parseColor,
  parsedToOklch,
  parsedToRgb,
  relativeLuminance,
  rgbToOklch,
} from '../src/color/index.js';

const rgbOf = (css: string) => {
  const parsed = parseColor(css);
  if (!parsed) throw new Error(`test colour ${css} did not parse`);
  return parsedToRgb(parsed);
};
const oklchOf = (css: string) => formatOklch(rgbToOklch(rgbOf(css)));
const hueDistance = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
const toBytes = ({ r, g, b }: { r: number; g: number; b: number }) => [r, g, b].map((channel) => Math.round(channel * 255));

describe('parseColor', () => {
  it('reads #rgb and #rrggbb, case-insensitively', () => {
    expect(toBytes(rgbOf('#0F8'))).toEqual([0, 255, 136]);
    expect(toBytes(rgbOf('#2563eb'))).toEqual([37, 99, 235]);
    expect(toBytes(rgbOf('  #2563EB '))).toEqual([37, 99, 235]);
  });

  it('reads rgb() in comma, space and percentage forms', () => {
    expect(toBytes(rgbOf('rgb(37, 99, 235)'))).toEqual([37, 99, 235]);
    expect(toBytes(rgbOf('rgb(37 99 235)'))).toEqual([37, 99, 235]);
    expect(toBytes(rgbOf('rgba(37,99,235)'))).toEqual([37, 99, 235]);
    expect(toBytes(rgbOf('rgb(100% 0% 50%)'))).toEqual([255, 0, 128]);
  });

  it('reads oklch() with numbers, percentages, deg and none', () => {
    expect(parseColor('oklch(0.628 0.2577 29.23)')).toEqual({ space: 'oklch', oklch: { l: 0.628, c: 0.2577, h: 29.23 } });
    expect(parseColor('oklch(62.8% 0.2577 29.23deg)')).toEqual({ space: 'oklch', oklch: { l: 0.628, c: 0.2577, h: 29.23 } });
    expect(parseColor('oklch(50% 50% none)')).toEqual({ space: 'oklch', oklch: { l: 0.5, c: 0.2, h: 0 } });
    expect(parseColor('oklch(0.5 0.1 -90)')).toEqual({ space: 'oklch', oklch: { l: 0.5, c: 0.1, h: 270 } });
    expect(parseColor('oklch(0.5 0.1 720)')).toEqual({ space: 'oklch', oklch: { l: 0.5, c: 0.1, h: 0 } });
  });

  it.each([
    'blue',
    'blue-ish',
    '#12',
    '#12345',
    '#1234567',
    '#ggg',
    'rgb(300, 0, 0)',
    'rgb(-1 0 0)',
    'rgb(1, 2)',
    'rgb(0 0 0 / 0.5)',
    'rgba(0, 0, 0, 0.5)',
    'oklch(1.2 0.1 30)',
    'oklch(0.5 -0.1 30)',
    'oklch(0.5 0.1 30%)',
    'oklch(0.5, 0.1, 30)',
    'hsl(0 100% 50%)',
    '',
  ])('rejects %j', (input) => {
    expect(parseColor(input)).toBeUndefined();
  });

  it('rejects non-strings', () => {
    for (const input of [undefined, null, 0x2563eb, {}, ['#fff']]) expect(parseColor(input)).toBeUndefined();
  });
});

describe('OKLCH conversion', () => {
  it('matches reference values (CSS Color 4 / Ottosson)', () => {
    expect(oklchOf('#ffffff')).toBe('oklch(1 0 0)');
    expect(oklchOf('#000000')).toBe('oklch(0 0 0)');
    expect(oklchOf('#ff0000')).toBe('oklch(0.628 0.2577 29.23)');
    expect(oklchOf('#00ff00')).toBe('oklch(0.8664 0.2948 142.5)');
    expect(oklchOf('#0000ff')).toBe('oklch(0.452 0.3132 264.05)');
  });

  it('round-trips every 8-bit sRGB colour through the written oklch() string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (value) => {
        const hex = `#${value.toString(16).padStart(6, '0')}`;
        const written = formatOklch(rgbToOklch(rgbOf(hex)));
        expect(toBytes(rgbOf(written))).toEqual(toBytes(rgbOf(hex)));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('round-trips in-gamut OKLCH through sRGB', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 359.99, noNaN: true }), (l, c, h) => {
        const inGamut = fitToSrgbGamut({ l, c, h });
        const back = rgbToOklch(oklchToRgb(inGamut));
        expect(back.l).toBeCloseTo(inGamut.l, 6);
        expect(back.c).toBeCloseTo(inGamut.c, 4);
        // Hue is only meaningful with some chroma.
        expect(inGamut.c > 0.01 ? hueDistance(back.h, inGamut.h) : 0).toBeLessThan(0.01);
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('maps out-of-gamut colours into sRGB by lowering chroma only', () => {
    const vivid = { l: 0.7, c: 0.4, h: 150 };
    const mapped = fitToSrgbGamut(vivid);
    expect(mapped.l).toBe(0.7);
    expect(mapped.h).toBe(150);
    expect(mapped.c).toBeLessThan(0.4);
    expect(mapped.c).toBeGreaterThan(0.15);
    for (const channel of Object.values(oklchToRgb(mapped))) {
      expect(channel).toBeGreaterThanOrEqual(-1e-3);
      expect(channel).toBeLessThanOrEqual(1 + 1e-3);
    }
    const alreadyInside = { l: 0.5, c: 0.05, h: 200 };
    expect(fitToSrgbGamut(alreadyInside)).toEqual(alreadyInside);
  });

  it('keeps oklch() input as given and converts sRGB input', () => {
    const oklch = parseColor('oklch(0.6 0.1 200)');
    expect(oklch && parsedToOklch(oklch)).toEqual({ l: 0.6, c: 0.1, h: 200 });
    const hex = parseColor('#ff0000');
    expect(hex && formatOklch(parsedToOklch(hex))).toBe('oklch(0.628 0.2577 29.23)');
  });
});

describe('WCAG 2.1 contrast', () => {
  it('gives 21:1 for white on black and 1:1 for a colour on itself', () => {
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 10);
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 10);
    expect(contrastRatio('#2563eb', '#2563eb')).toBe(1);
  });

  it('matches published ratios', () => {
    // #767676 is the lightest grey with 4.5:1 on white; #777777 just misses it.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('rgb(0, 0, 255)', '#fff')).toBeCloseTo(8.59, 2);
  });

  it('treats every syntax of the same colour alike', () => {
    const ratio = contrastRatio('#ff0000', '#ffffff');
    expect(contrastRatio('rgb(255 0 0)', 'rgb(100%, 100%, 100%)')).toBe(ratio);
    expect(contrastRatio('oklch(0.628 0.2577 29.23)', 'oklch(1 0 0)')).toBeCloseTo(ratio, 2);
  });

  it('computes relative luminance on the WCAG scale', () => {
    expect(relativeLuminance({ r: 1, g: 1, b: 1 })).toBeCloseTo(1, 10);
    expect(relativeLuminance({ r: 0, g: 0, b: 0 })).toBe(0);
    expect(relativeLuminance(rgbOf('#808080'))).toBeCloseTo(0.21586, 5);
  });

  it('names the bad argument', () => {
    expect(() => contrastRatio('#fff', 'blue-ish')).toThrow('contrastRatio(): b: expected a CSS colour (hex, rgb() or oklch()), got "blue-ish"');
  });
});
