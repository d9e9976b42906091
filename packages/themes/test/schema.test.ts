import { describe, expect, it } from 'vitest';
import { checkTheme, createTheme, forest, serializeTheme } from '../src/index.js';
import { parseTheme, safeParseTheme, ThemeParseError, themeSchema } from '../src/schema/index.js';

type Group = Record<string, unknown>;
type ThemeJson = Record<string, unknown> & Record<'colors' | 'radius' | 'font' | 'space' | 'text' | 'shadow' | 'motion', Group>;
const exported = () => JSON.parse(serializeTheme(forest.light)) as ThemeJson;

/** The issues found in `input`, as `path: message` lines (none when it is a valid theme). */
function problems(input: unknown): string[] {
  const result = safeParseTheme(input);
  return result.success ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('serializeTheme', () => {
  it('writes versioned theme JSON without the generation report', () => {
    const json = exported();
    expect(json.version).toBe(1);
    expect(Object.keys(json)).toEqual(['version', 'name', 'mode', 'contrastLevel', 'colors', 'radius', 'font', 'space', 'text', 'shadow', 'motion']);
    expect(json).not.toHaveProperty('adjustments');
    expect(json).not.toHaveProperty('contrast');
  });
});

describe('parseTheme', () => {
  it('reads back what serializeTheme wrote, from a string or a parsed value', () => {
    const { adjustments: _adjustments, contrast: _contrast, ...tokens } = forest.light;
    expect(parseTheme(serializeTheme(forest.light))).toEqual(tokens);
    expect(parseTheme(exported())).toEqual(tokens);
    expect(checkTheme(parseTheme(serializeTheme(forest.dark))).every((check) => check.passes)).toBe(true);
  });

  it('accepts hex and rgb() colours and defaults contrastLevel to AA', () => {
    const json = exported();
    delete json.contrastLevel;
    delete json.version;
    json.colors.primary = '#15803d';
    json.colors.ring = 'rgb(21, 128, 61)';
    const theme = parseTheme(json);
    expect(theme.contrastLevel).toBe('AA');
    expect(theme.colors.primary).toBe('#15803d');
    expect(theme.colors.ring).toBe('rgb(21, 128, 61)');
  });

  it('throws a ThemeParseError naming the token path and what was expected', () => {
    const json = exported();
    json.colors.primary = 'blue-ish';
    expect(() => parseTheme(json)).toThrow(ThemeParseError);
    expect(() => parseTheme(json)).toThrow('colors.primary: expected a CSS colour (hex, rgb() or oklch()), got "blue-ish"');
    expect(problems(json)).toEqual(['colors.primary: expected a CSS colour (hex, rgb() or oklch()), got "blue-ish"']);
  });

  it('reports every problem at once: missing, unknown, wrong type and bad values', () => {
    const json: Record<string, unknown> & ThemeJson = exported();
    json.version = 2;
    json.mode = 'dim';
    delete json.colors.ring;
    json.colors.primry = '#fff';
    json.radius.base = 'round';
    json.space['3'] = 12;
    (json as Record<string, unknown>).text = 'big';
    json.font.sans = 'Inter; color: red';
    json.motion.fast = '200';
    json.motion.ease = 'bouncy';
    json.shadow.md = '';
    json.extra = true;
    expect(problems(json)).toEqual([
      'version: expected 1 (the theme format version this package reads), got 2',
      'mode: expected "light" or "dark", got "dim"',
      'colors.ring: missing; expected a CSS colour (hex, rgb() or oklch())',
      'colors.primry: unknown key (not a theme token; check the spelling)',
      'radius.base: expected a CSS length such as "0.5rem" or "8px", got "round"',
      'font.sans: expected a CSS font-family list such as "Inter, sans-serif", got "Inter; color: red"',
      'space.3: expected a CSS length such as "0.5rem" or "8px", got 12',
      'text: expected an object, got "big"',
      'shadow.md: expected a CSS box-shadow (or "none"), got ""',
      'motion.fast: expected a CSS duration such as "150ms", got "200"',
      'motion.ease: expected a CSS timing function such as "ease-out" or "cubic-bezier(0.2, 0, 0, 1)", got "bouncy"',
      'extra: unknown key (not a theme token; check the spelling)',
    ]);
  });

  it('accepts the CSS value forms designers use', () => {
    const json = exported();
    Object.assign(json.radius, { sm: '0', base: 'calc(0.5rem + 2px)', lg: '50%' });
    Object.assign(json.motion, { fast: '.1s', ease: 'ease-in-out' });
    json.shadow.sm = 'none';
    json.colors.accent = 'oklch(95% 0.02 260deg)';
    expect(parseTheme(json).radius.base).toBe('calc(0.5rem + 2px)');
  });

  it('rejects input that is not a theme object or not JSON', () => {
    expect(problems('{"name": ')[0]).toMatch(/^theme: not valid JSON \(/);
    expect(problems(null)).toEqual(['theme: expected an object, got null']);
    expect(problems([])).toEqual(['theme: expected an object, got an array']);
    expect(problems({})).toContain('name: missing; expected a non-empty name');
  });

  it('has a non-throwing twin for editors', () => {
    const json = exported();
    json.colors.card = 'paper';
    expect(safeParseTheme(json)).toEqual({ success: false, issues: [{ path: 'colors.card', message: 'expected a CSS colour (hex, rgb() or oklch()), got "paper"' }] });
    const ok = safeParseTheme(serializeTheme(createTheme({ brand: '#7c3aed', mode: 'dark' })));
    expect(ok.success && ok.theme.mode).toBe('dark');
  });

  it('exposes the zod schema itself', () => {
    expect(themeSchema.safeParse(exported()).success).toBe(true);
    expect(themeSchema.safeParse({ ...exported(), mode: 'dim' }).success).toBe(false);
  });

  it('formats the error message as one line per problem', () => {
    const json = exported();
    json.colors.primary = 'blue-ish';
    json.colors.card = 'paper';
    expect(() => parseTheme(json)).toThrow(
      'Invalid theme JSON (2 problems):\n  colors.card: expected a CSS colour (hex, rgb() or oklch()), got "paper"\n  colors.primary: expected a CSS colour (hex, rgb() or oklch()), got "blue-ish"',
    );
  });
});
