import { describe, expect, it } from 'vitest';
import { checkTheme, COLOR_TOKENS, contrastRatio, createTheme, type GeneratedTheme } from '../src/index.js';
import { parseColor, parsedToOklch, parsedToRgb } from '../src/color/index.js';

const oklchOf = (css: string) => {
  const parsed = parseColor(css);
  if (!parsed) throw new Error(`not a colour: ${css}`);
  return parsedToOklch(parsed);
};
/** The 8-bit sRGB colour a value renders as. */
const bytes = (css: string) => {
  const parsed = parseColor(css);
  if (!parsed) throw new Error(`not a colour: ${css}`);
  return Object.values(parsedToRgb(parsed)).map((channel) => Math.round(channel * 255));
};
const hueDistance = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
const failures = (theme: GeneratedTheme) => checkTheme(theme).filter((check) => !check.passes);

describe('createTheme', () => {
  it('builds every colour token as an oklch() value that meets AA', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'light' });
    expect(Object.keys(theme.colors)).toEqual([...COLOR_TOKENS]);
    for (const value of Object.values(theme.colors)) expect(value).toMatch(/^oklch\(\d(\.\d+)? \d(\.\d+)? \d+(\.\d+)?\)$/);
    expect(failures(theme)).toEqual([]);
    expect(theme.contrast).toEqual(checkTheme(theme));
    expect(theme.contrastLevel).toBe('AA');
  });

  it('uses a brand colour that already passes exactly as given', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'light' });
    expect(theme.adjustments).toEqual([]);
    expect(bytes(theme.colors.primary)).toEqual(bytes('#2563eb'));
    expect(theme.colors.ring).toBe(theme.colors.primary);
  });

  it('darkens a light brand colour until it stands out on a light background, and says so', () => {
    const theme = createTheme({ brand: '#facc15', mode: 'light' });
    expect(contrastRatio('#facc15', '#ffffff')).toBeLessThan(3);
    expect(theme.adjustments).toHaveLength(1);
    const [adjustment] = theme.adjustments;
    expect(adjustment).toMatchObject({ token: 'primary', requested: '#facc15', used: theme.colors.primary });
    expect(adjustment?.reason).toMatch(/^lightness 0\.861 -> 0\.6\d+ for 3:1 against background and card/);
    expect(contrastRatio(theme.colors.primary, theme.colors.background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(theme.colors.primary, theme.colors['primary-foreground'])).toBeGreaterThanOrEqual(4.5);
    // Hue is what makes the brand recognisable: it survives the adjustment.
    expect(hueDistance(oklchOf(theme.colors.primary).h, oklchOf('#facc15').h)).toBeLessThan(1);
  });

  it('lightens a dark brand colour for dark mode', () => {
    const theme = createTheme({ brand: '#1e3a8a', mode: 'dark' });
    const [adjustment] = theme.adjustments;
    expect(adjustment?.token).toBe('primary');
    expect(oklchOf(theme.colors.primary).l).toBeGreaterThan(oklchOf('#1e3a8a').l);
    expect(failures(theme)).toEqual([]);
  });

  it('reports chroma lowered to fit sRGB for out-of-gamut oklch() input', () => {
    const theme = createTheme({ brand: 'oklch(0.7 0.4 150)', mode: 'dark' });
    expect(theme.adjustments).toEqual([
      { token: 'primary', requested: 'oklch(0.7 0.4 150)', used: theme.colors.primary, reason: expect.stringMatching(/^chroma 0\.4 -> 0\.19\d to fit sRGB$/) },
    ]);
    expect(oklchOf(theme.colors.primary).l).toBeCloseTo(0.7, 2);
  });

  it('builds dark palettes with light text on dark surfaces', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'dark' });
    expect(oklchOf(theme.colors.background).l).toBeLessThan(0.2);
    expect(oklchOf(theme.colors.foreground).l).toBeGreaterThan(0.9);
    expect(oklchOf(theme.colors.card).l).toBeGreaterThan(oklchOf(theme.colors.background).l);
    expect(failures(theme)).toEqual([]);
  });

  it('builds AAA palettes: 7:1 for text, 4.5:1 for UI parts', () => {
    const theme = createTheme({ brand: '#0ea5e9', mode: 'light', contrastLevel: 'AAA' });
    expect(theme.contrastLevel).toBe('AAA');
    expect(failures(theme)).toEqual([]);
    expect(Math.min(...theme.contrast.filter((check) => check.required === 7).map((check) => check.ratio))).toBeGreaterThanOrEqual(7);
    expect(checkTheme(theme, 'AA').every((check) => check.passes)).toBe(true);
  });

  it('tints the greys with the neutral colour, or faintly with the brand hue', () => {
    const slate = createTheme({ brand: '#0369a1', neutral: '#64748b', mode: 'light' });
    expect(hueDistance(oklchOf(slate.colors.muted).h, oklchOf('#64748b').h)).toBeLessThan(15);
    const plain = createTheme({ brand: '#0369a1', mode: 'light' });
    expect(oklchOf(plain.colors.border).c).toBeLessThan(oklchOf(slate.colors.border).c);
    expect(hueDistance(oklchOf(plain.colors.muted).h, oklchOf('#0369a1').h)).toBeLessThan(15);
  });

  it('uses accent and status overrides, fixing only what fails', () => {
    const theme = createTheme({ brand: '#2563eb', mode: 'light', accent: '#fef3c7', destructive: '#b91c1c', warning: '#fde047' });
    expect(bytes(theme.colors.accent)).toEqual(bytes('#fef3c7'));
    expect(bytes(theme.colors.destructive)).toEqual(bytes('#b91c1c'));
    expect(bytes(theme.colors.warning)).toEqual(bytes('#fde047'));
    expect(theme.adjustments).toEqual([]);
    const pale = createTheme({ brand: '#2563eb', mode: 'light', destructive: '#fca5a5' });
    expect(pale.adjustments.map((adjustment) => adjustment.token)).toEqual(['destructive']);
    expect(failures(pale)).toEqual([]);
  });

  it('derives the radius scale and keeps the unit', () => {
    expect(createTheme({ brand: '#000', mode: 'light' }).radius).toEqual({ sm: '0.25rem', base: '0.5rem', lg: '0.75rem' });
    expect(createTheme({ brand: '#000', mode: 'light', radius: 8 }).radius).toEqual({ sm: '4px', base: '8px', lg: '12px' });
    expect(createTheme({ brand: '#000', mode: 'light', radius: '0' }).radius).toEqual({ sm: '0px', base: '0px', lg: '0px' });
    expect(createTheme({ brand: '#000', mode: 'light', radius: '0.625rem' }).radius.lg).toBe('0.9375rem');
  });

  it('adds a generic fallback to a font that lacks one', () => {
    const inter = createTheme({ brand: '#000', mode: 'light', font: 'Inter' });
    expect(inter.font.sans).toBe('Inter, ui-sans-serif, system-ui, sans-serif');
    const explicit = createTheme({ brand: '#000', mode: 'light', font: { sans: '"Inter", sans-serif', mono: 'JetBrains Mono' } });
    expect(explicit.font).toEqual({ sans: '"Inter", sans-serif', mono: 'JetBrains Mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' });
  });

  it('names the theme after its mode unless told', () => {
    expect(createTheme({ brand: '#000', mode: 'dark' }).name).toBe('custom-dark');
    expect(createTheme({ brand: '#000', mode: 'dark', name: 'acme' }).name).toBe('acme');
  });

  it.each([
    [{ brand: 'blue-ish', mode: 'light' }, 'createTheme(): brand: expected a CSS colour (hex, rgb() or oklch()), got "blue-ish"'],
    [{ mode: 'light' }, 'createTheme(): brand: expected a CSS colour (hex, rgb() or oklch()), got undefined'],
    [{ brand: '#fff', mode: 'dim' }, 'createTheme(): mode: expected "light" or "dark", got "dim"'],
    [{ brand: '#fff' }, 'createTheme(): mode: expected "light" or "dark", got undefined'],
    [{ brand: '#fff', mode: 'light', neutral: 42 }, 'createTheme(): neutral: expected a CSS colour (hex, rgb() or oklch()), got 42'],
    [{ brand: '#fff', mode: 'light', accent: 'rgb(0 0 0 / 50%)' }, 'createTheme(): accent: expected a CSS colour'],
    [{ brand: '#fff', mode: 'light', radius: 'large' }, 'createTheme(): radius: expected pixels (a number >= 0) or a length such as "0.5rem", got "large"'],
    [{ brand: '#fff', mode: 'light', radius: -2 }, 'createTheme(): radius: expected pixels'],
    [{ brand: '#fff', mode: 'light', font: 'Inter; color: red' }, 'createTheme(): font: expected a font-family list such as "Inter, sans-serif", got "Inter; color: red"'],
    [{ brand: '#fff', mode: 'light', font: { mono: '' } }, 'createTheme(): font.mono: expected a font-family list'],
    [{ brand: '#fff', mode: 'light', contrastLevel: 'AAAA' }, 'createTheme(): contrastLevel: expected "AA" or "AAA", got "AAAA"'],
    [{ brand: '#fff', mode: 'light', name: '' }, 'createTheme(): name: expected a non-empty string, got ""'],
    [null, 'createTheme(): options: expected an object, got null'],
  ])('rejects invalid options: %j', (options, message) => {
    expect(() => createTheme(options as never)).toThrow(TypeError);
    expect(() => createTheme(options as never)).toThrow(message);
  });
});
