import type { ColorToken, ContrastLevel } from '../tokens/index.js';

export interface ContrastMinimums {
  /** Text and its background (WCAG 1.4.3 / 1.4.6). */
  text: number;
  /** Non-text UI parts against what surrounds them (WCAG 1.4.11). */
  ui: number;
}

export const CONTRAST_MINIMUMS: Record<ContrastLevel, ContrastMinimums> = {
  AA: { text: 4.5, ui: 3 },
  AAA: { text: 7, ui: 4.5 },
};

type Pair = readonly [ColorToken, ColorToken];

/** Reads "fg/bg fg/bg ..." into pairs; a string keeps these long lists compact in the bundle. */
const pairs = (list: string): Pair[] => list.split(' ').map((pair) => pair.split('/') as unknown as Pair);

/** Text pairs, [foreground, background]: every place a `*-foreground` (or text colour) sits on a surface. */
export const TEXT_PAIRS: readonly Pair[] = /* @__PURE__ */ pairs(
  'foreground/background foreground/muted card-foreground/card popover-foreground/popover ' +
    'primary-foreground/primary secondary-foreground/secondary muted-foreground/muted ' +
    'muted-foreground/background muted-foreground/card muted-foreground/popover accent-foreground/accent ' +
    'destructive-foreground/destructive success-foreground/success warning-foreground/warning',
);

/**
 * UI parts, [part, surface]: solid buttons, focus rings and form-control borders must be visible
 * on the surfaces they are drawn on. `border` is decorative (WCAG 1.4.11 exempts it) and not listed.
 */
export const UI_PAIRS: readonly Pair[] = /* @__PURE__ */ pairs(
  'primary/background primary/card destructive/background ring/background ring/card ring/popover ' +
    'input/background input/card input/popover',
);
