import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseColor, parsedToRgb } from '../src/color/index.js';
import { CONTRAST_MINIMUMS, TEXT_PAIRS, UI_PAIRS } from '../src/contrast/index.js';
import { checkTheme, createTheme, type ContrastLevel, type ThemeMode } from '../src/index.js';

// The guarantee createTheme makes: whatever the brand colour, every text pair reaches 4.5:1 and
// every UI part 3:1 (7:1 and 4.5:1 at AAA). Fixed seeds keep the runs reproducible.

/**
 * An independent WCAG 2.1 check, written from the spec text rather than shared with the library:
 * 8-bit channels (as screens render them) and the 0.03928 threshold WCAG 2.1 prints.
 */
function wcagLuminance(css: string): number {
  const parsed = parseColor(css);
  if (!parsed) throw new Error(`createTheme produced an unparsable colour: ${css}`);
  const [red, green, blue] = Object.values(parsedToRgb(parsed)).map((channel) => {
    const srgb = Math.round(channel * 255) / 255;
    return srgb <= 0.03928 ? srgb / 12.92 : ((srgb + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

function wcagRatio(first: string, second: string): number {
  const [x, y] = [wcagLuminance(first), wcagLuminance(second)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

const hexColor = fc.integer({ min: 0, max: 0xffffff }).map((value) => `#${value.toString(16).padStart(6, '0')}`);
const oklchColor = fc
  .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 3599 }))
  .map(([l, c, h]) => `oklch(${l / 1000} ${c / 1000} ${h / 10})`);

/**
 * Every pair of a generated theme that misses its minimum, by checkTheme or by the independent
 * check; collected as strings so one expect() covers a theme (one per pair would dominate the run).
 */
function contrastProblems(brand: string, mode: ThemeMode, contrastLevel: ContrastLevel, extra: { accent?: string; neutral?: string } = {}): string[] {
  const theme = createTheme({ brand, mode, contrastLevel, ...extra });
  const minimums = CONTRAST_MINIMUMS[contrastLevel];
  const report = checkTheme(theme);
  const problems = report.length === TEXT_PAIRS.length + UI_PAIRS.length ? [] : [`${report.length} checks`];
  for (const check of report) {
    const required = TEXT_PAIRS.includes(check.pair) ? minimums.text : minimums.ui;
    const independent = wcagRatio(theme.colors[check.pair[0]], theme.colors[check.pair[1]]);
    if (check.required !== required || !check.passes || independent < required) {
      problems.push(`${brand} ${mode} ${contrastLevel}: ${check.pair.join(' on ')} ${check.ratio.toFixed(3)}:1 (independent ${independent.toFixed(3)}:1), needs ${required}:1`);
    }
  }
  return problems;
}

// Generous timeouts: ~3,000 themes take a few seconds, more on a busy CI machine.
describe('createTheme meets its contrast minimums for any brand colour', { timeout: 60_000 }, () => {
  it('1,000 random hex brands, light and dark, WCAG AA', () => {
    fc.assert(
      fc.property(hexColor, (brand) => {
        expect([...contrastProblems(brand, 'light', 'AA'), ...contrastProblems(brand, 'dark', 'AA')]).toEqual([]);
      }),
      { seed: 20_251_123, numRuns: 1000 },
    );
  });

  it('random oklch() brands (many outside sRGB) with random accents and neutrals, both modes', () => {
    fc.assert(
      fc.property(oklchColor, hexColor, hexColor, (brand, accent, neutral) => {
        expect([...contrastProblems(brand, 'light', 'AA', { accent, neutral }), ...contrastProblems(brand, 'dark', 'AA', { accent, neutral })]).toEqual([]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('random brands at AAA, both modes', () => {
    fc.assert(
      fc.property(hexColor, (brand) => {
        expect([...contrastProblems(brand, 'light', 'AAA'), ...contrastProblems(brand, 'dark', 'AAA')]).toEqual([]);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('checkTheme', () => {
  it('reports failing pairs with their ratio and minimum', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'light' });
    const broken = { ...theme, colors: { ...theme.colors, 'muted-foreground': '#aaaaaa', input: '#eeeeee' } };
    const failing = checkTheme(broken).filter((check) => !check.passes);
    expect(failing.map((check) => check.pair.join(' on '))).toEqual([
      'muted-foreground on muted',
      'muted-foreground on background',
      'muted-foreground on card',
      'muted-foreground on popover',
      'input on background',
      'input on card',
      'input on popover',
    ]);
    const [first] = failing;
    expect(first?.required).toBe(4.5);
    expect(first?.ratio).toBeLessThan(4.5);
  });

  it('checks against the level asked for, else the theme’s own', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'light' });
    expect(new Set(checkTheme(theme).map((check) => check.required))).toEqual(new Set([4.5, 3]));
    expect(new Set(checkTheme(theme, 'AAA').map((check) => check.required))).toEqual(new Set([7, 4.5]));
    expect(() => checkTheme(theme, 'A' as never)).toThrow('checkTheme(): level: expected "AA" or "AAA", got "A"');
  });

  it('names a token that is not a colour', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'light' });
    expect(() => checkTheme({ colors: { ...theme.colors, card: 'paper' } })).toThrow('checkTheme(): colors.card: expected a CSS colour (hex, rgb() or oklch()), got "paper"');
  });
});
