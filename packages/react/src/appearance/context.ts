import { createContext, useContext, type CSSProperties } from 'react';
import { cx } from '../internal/cx.js';
import type { Appearance, AppearanceElementKey } from './types.js';

type Elements = NonNullable<Appearance['elements']>;

export const AppearanceContext = createContext<Elements | undefined>(undefined);

export interface ElementProps {
  className: string;
  style: CSSProperties | undefined;
}

/** Modifiers of an element: strings, or `false`/`undefined` for ones that do not apply. */
export type Modifiers = ReadonlyArray<string | false | null | undefined>;

/**
 * Class name and style for one element: `au-<key>`, `au-<key>--<modifier>`, the appearance
 * overrides for the key and each modifier, then the caller's own `className`/`style` (which win).
 */
export function elementProps(
  elements: Elements | undefined,
  key: AppearanceElementKey,
  modifiers?: Modifiers,
  className?: string,
  style?: CSSProperties,
): ElementProps {
  const classes: Array<string | undefined> = [`au-${key}`];
  let merged: CSSProperties | undefined;
  const apply = (selector: string) => {
    const override = elements?.[selector as AppearanceElementKey];
    if (typeof override === 'string') classes.push(override);
    else if (override) merged = { ...merged, ...override };
  };
  apply(key);
  if (modifiers) {
    for (const modifier of modifiers) {
      if (!modifier) continue;
      classes.push(`au-${key}--${modifier}`);
      apply(`${key}--${modifier}`);
    }
  }
  classes.push(className);
  if (style) merged = { ...merged, ...style };
  return { className: cx(...classes), style: merged };
}

/** Internal: returns a function giving each element its `au-*` classes merged with appearance overrides. */
export function useAppearance(): (
  key: AppearanceElementKey,
  modifiers?: Modifiers,
  className?: string,
  style?: CSSProperties,
) => ElementProps {
  const elements = useContext(AppearanceContext);
  return (key, modifiers, className, style) => elementProps(elements, key, modifiers, className, style);
}
