import { describe, expect, it } from 'vitest';
import { createTheme, CSS_VARIABLE_NAMES, ocean, toCssVariableObject, toCssVariables, type Theme } from '../src/index.js';

// The contract @auterity/react styles against: renaming any of these breaks every host's CSS.
const CONTRACT = [
  ...['background', 'foreground', 'card', 'card-foreground', 'popover', 'popover-foreground', 'primary', 'primary-foreground']
    .concat(['secondary', 'secondary-foreground', 'muted', 'muted-foreground', 'accent', 'accent-foreground'])
    .concat(['destructive', 'destructive-foreground', 'success', 'success-foreground', 'warning', 'warning-foreground', 'border', 'input', 'ring'])
    .map((token) => `--au-${token}`),
  '--au-radius',
  '--au-radius-sm',
  '--au-radius-lg',
  '--au-font-sans',
  '--au-font-mono',
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((step) => `--au-space-${step}`),
  ...['xs', 'sm', 'base', 'lg', 'xl', '2xl'].map((step) => `--au-text-${step}`),
  ...['sm', 'md', 'lg'].map((step) => `--au-shadow-${step}`),
  '--au-duration-fast',
  '--au-duration-normal',
  '--au-duration-slow',
  '--au-ease',
];

/** The declarations of the first rule whose selector is exactly `selector`. */
function declarations(css: string, selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {\n`);
  if (start === -1) throw new Error(`no rule for ${selector} in:\n${css}`);
  const body = css.slice(start + selector.length + 3, css.indexOf('}', start));
  return new Map(
    body
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const match = /^([\w-]+): (.*);$/.exec(line);
        if (!match) throw new Error(`not a declaration: ${line}`);
        return [match[1] as string, match[2] as string];
      }),
  );
}

describe('CSS variable contract', () => {
  it('defines exactly the documented variables', () => {
    expect([...CSS_VARIABLE_NAMES]).toEqual(CONTRACT);
    expect(Object.keys(toCssVariableObject(ocean.light))).toEqual(CONTRACT);
  });

  it('maps tokens to variables', () => {
    const theme = ocean.light;
    const variables = toCssVariableObject(theme);
    expect(variables['--au-primary']).toBe(theme.colors.primary);
    expect(variables['--au-primary-foreground']).toBe(theme.colors['primary-foreground']);
    expect(variables['--au-radius']).toBe(theme.radius.base);
    expect(variables['--au-radius-sm']).toBe(theme.radius.sm);
    expect(variables['--au-space-4']).toBe('1rem');
    expect(variables['--au-text-2xl']).toBe('1.5rem');
    expect(variables['--au-shadow-md']).toBe(theme.shadow.md);
    expect(variables['--au-duration-normal']).toBe(theme.motion.normal);
    expect(variables['--au-ease']).toBe(theme.motion.ease);
    expect(variables['--au-font-mono']).toBe(theme.font.mono);
  });
});

describe('toCssVariables', () => {
  it('scopes one theme to .au-root with its color-scheme', () => {
    const css = toCssVariables(ocean.dark);
    expect(css.startsWith('.au-root {\n  color-scheme: dark;\n')).toBe(true);
    const rule = declarations(css, '.au-root');
    expect(rule.get('color-scheme')).toBe('dark');
    expect(Object.fromEntries([...rule].filter(([name]) => name.startsWith('--')))).toEqual(toCssVariableObject(ocean.dark));
    expect(css).not.toContain('data-au-mode');
  });

  it('uses the selector it is given, and groups selector lists before adding the mode', () => {
    expect(declarations(toCssVariables(ocean.light, { selector: '#app .billing' }), '#app .billing').get('--au-primary')).toBe(ocean.light.colors.primary);
    const css = toCssVariables(ocean, { selector: '.au-root, .legacy-widget' });
    expect(declarations(css, '.au-root, .legacy-widget').get('color-scheme')).toBe('light');
    expect(declarations(css, ':is(.au-root, .legacy-widget)[data-au-mode="dark"]').get('color-scheme')).toBe('dark');
  });

  it('emits dark mode for a pair: data-au-mode="dark", and "system" following the OS', () => {
    const css = toCssVariables(ocean);
    const light = declarations(css, '.au-root');
    const dark = declarations(css, '.au-root[data-au-mode="dark"]');
    expect(light.get('--au-background')).toBe(ocean.light.colors.background);
    expect(dark.get('--au-background')).toBe(ocean.dark.colors.background);
    expect(dark.get('color-scheme')).toBe('dark');
    // Only what differs is repeated: spacing is the same in both modes.
    expect(dark.has('--au-space-4')).toBe(false);
    expect(dark.has('--au-shadow-md')).toBe(true);
    expect(css).toContain('@media (prefers-color-scheme: dark) {\n  .au-root[data-au-mode="system"] {\n');
    expect(declarations(css, '  .au-root[data-au-mode="system"]')).toEqual(dark);
  });

  it('shortens durations under prefers-reduced-motion unless told not to', () => {
    const css = toCssVariables(ocean);
    expect(css).toContain('@media (prefers-reduced-motion: reduce) {\n  .au-root, .au-root[data-au-mode="dark"], .au-root[data-au-mode="system"] {\n    --au-duration-fast: 1ms;');
    expect(toCssVariables(ocean.light, { reducedMotion: false })).not.toContain('prefers-reduced-motion');
  });

  it('refuses values and selectors that could break out of the style element', () => {
    const hostile: Theme = { ...ocean.light, colors: { ...ocean.light.colors, primary: 'red; } body { display: none' } };
    expect(() => toCssVariables(hostile)).toThrow('toCssVariables(): colors.primary: expected a CSS value without ; { } < > or \\, got "red; } body { display: none"');
    const closing: Theme = { ...ocean.light, font: { ...ocean.light.font, sans: 'x</style><script>' } };
    expect(() => toCssVariableObject(closing)).toThrow('toCssVariableObject(): font.sans:');
    expect(() => toCssVariables(ocean.light, { selector: 'body { }' })).toThrow('toCssVariables(): selector: expected a CSS selector, got "body { }"');
  });

  it('names a missing token', () => {
    const { motion: _motion, ...partial } = createTheme({ brand: '#0369a1', mode: 'light' });
    expect(() => toCssVariables(partial as unknown as Theme)).toThrow('toCssVariables(): motion.fast: expected a CSS value without ; { } < > or \\, got undefined');
  });
});
