import { SPACE_STEPS, TEXT_STEPS, type Theme, type ThemeMode } from './types.js';

// Non-colour token defaults. The scales follow the common 4px grid and a 1.125-ish type ramp so
// Auterity components sit comfortably next to Tailwind- or Radix-styled host UIs.

// `ui-*` and `system-ui` resolve to each platform's own UI fonts (San Francisco, Segoe UI, Roboto...).
export const DEFAULT_SANS = 'ui-sans-serif, system-ui, sans-serif';
export const DEFAULT_MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
export const DEFAULT_RADIUS = '0.5rem';

/** `keys` -> `${value}rem`, pairwise. */
const remScale = <K extends string>(keys: readonly K[], values: readonly number[]): Record<K, string> =>
  Object.fromEntries(keys.map((key, index) => [key, `${values[index]}rem`])) as Record<K, string>;

export const DEFAULT_SPACE: Theme['space'] = /* @__PURE__ */ remScale(SPACE_STEPS, [0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3]);
export const DEFAULT_TEXT: Theme['text'] = /* @__PURE__ */ remScale(TEXT_STEPS, [0.75, 0.875, 1, 1.125, 1.25, 1.5]);

export const DEFAULT_MOTION: Theme['motion'] = {
  fast: '120ms',
  normal: '200ms',
  slow: '320ms',
  ease: 'cubic-bezier(0.2, 0, 0, 1)',
};

/** Shadows read weaker on dark surfaces, so dark mode uses stronger alpha. */
export function defaultShadows(mode: ThemeMode): Theme['shadow'] {
  const [sm, md, lg] = mode === 'dark' ? [0.3, 0.4, 0.5] : [0.05, 0.1, 0.1];
  return {
    sm: `0 1px 2px 0 rgb(0 0 0 / ${sm})`,
    md: `0 4px 6px -1px rgb(0 0 0 / ${md}), 0 2px 4px -2px rgb(0 0 0 / ${md})`,
    lg: `0 10px 15px -3px rgb(0 0 0 / ${lg}), 0 4px 6px -4px rgb(0 0 0 / ${lg})`,
  };
}
