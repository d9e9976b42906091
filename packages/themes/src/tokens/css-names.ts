import { COLOR_TOKENS, SHADOW_STEPS, SPACE_STEPS, TEXT_STEPS, type ColorToken, type ShadowStep, type SpaceStep, type TextStep, type Theme } from './types.js';

/** Every CSS custom property a theme defines: the contract `@auterity/react` styles against. */
export type CssVariableName =
  | `--au-${ColorToken}`
  | '--au-radius'
  | '--au-radius-sm'
  | '--au-radius-lg'
  | '--au-font-sans'
  | '--au-font-mono'
  | `--au-space-${SpaceStep}`
  | `--au-text-${TextStep}`
  | `--au-shadow-${ShadowStep}`
  | '--au-duration-fast'
  | '--au-duration-normal'
  | '--au-duration-slow'
  | '--au-ease';

type TokenGroup = 'colors' | 'radius' | 'font' | 'space' | 'text' | 'shadow' | 'motion';

/** Where each variable's value lives in a Theme: [group, key, variable name]. */
export type VariableSource = readonly [group: TokenGroup, key: string, name: CssVariableName];

function variableSources(): VariableSource[] {
  const group = (name: TokenGroup, keys: readonly string[], variable = (key: string) => `${name}-${key}`) =>
    keys.map((key): VariableSource => [name, key, `--au-${variable(key)}` as CssVariableName]);
  return [
    ...group('colors', COLOR_TOKENS, (key) => key),
    ...group('radius', ['base', 'sm', 'lg'] satisfies (keyof Theme['radius'])[], (key) => (key === 'base' ? 'radius' : `radius-${key}`)),
    ...group('font', ['sans', 'mono'] satisfies (keyof Theme['font'])[]),
    ...group('space', SPACE_STEPS),
    ...group('text', TEXT_STEPS),
    ...group('shadow', SHADOW_STEPS),
    ...group('motion', ['fast', 'normal', 'slow', 'ease'] satisfies (keyof Theme['motion'])[], (key) => (key === 'ease' ? key : `duration-${key}`)),
  ];
}

/** Every theme variable with the token it comes from, in the order toCssVariables writes them. */
export const VARIABLE_SOURCES: readonly VariableSource[] = /* @__PURE__ */ variableSources();

/** All theme variable names, in the order toCssVariables writes them. */
export const CSS_VARIABLE_NAMES: readonly CssVariableName[] = /* @__PURE__ */ VARIABLE_SOURCES.map(([, , name]) => name);
