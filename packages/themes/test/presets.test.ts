import { describe, expect, it } from 'vitest';
import { checkTheme, contrastRatio, dark, forest, highContrast, highContrastDark, light, ocean, presets, sunset } from '../src/index.js';

const pairs = Object.entries(presets);

describe('presets', () => {
  it('ship the neutral default, high contrast and three brands, each in light and dark', () => {
    expect(Object.keys(presets)).toEqual(['default', 'highContrast', 'ocean', 'forest', 'sunset']);
    expect(presets.default).toEqual({ light, dark });
    expect(presets.highContrast).toEqual({ light: highContrast, dark: highContrastDark });
    expect([presets.ocean, presets.forest, presets.sunset]).toEqual([ocean, forest, sunset]);
    for (const [, pair] of pairs) {
      expect(pair.light.mode).toBe('light');
      expect(pair.dark.mode).toBe('dark');
    }
  });

  it.each(pairs.flatMap(([name, pair]) => [[`${name} light`, pair.light] as const, [`${name} dark`, pair.dark] as const]))(
    '%s passes its own contrast checks without adjusting its brand',
    (_name, theme) => {
      expect(checkTheme(theme).filter((check) => !check.passes)).toEqual([]);
      expect(theme.contrast.every((check) => check.passes)).toBe(true);
      expect(theme.adjustments).toEqual([]);
    },
  );

  it('high contrast holds text to 7:1 and UI parts to 4.5:1, with black and white text', () => {
    for (const theme of [highContrast, highContrastDark]) {
      expect(theme.contrastLevel).toBe('AAA');
      const report = checkTheme(theme);
      expect(new Set(report.map((check) => check.required))).toEqual(new Set([7, 4.5]));
      expect(Math.min(...report.filter((check) => check.pair[0].endsWith('foreground')).map((check) => check.ratio))).toBeGreaterThanOrEqual(7);
      expect(contrastRatio(theme.colors.foreground, theme.colors.background)).toBeCloseTo(21, 5);
    }
  });

  it('have distinct names', () => {
    const names = pairs.flatMap(([, pair]) => [pair.light.name, pair.dark.name]);
    expect(new Set(names).size).toBe(names.length);
  });
});
