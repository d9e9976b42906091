import type { en } from './messages/en.js';

/** Plural forms of one message, chosen with `Intl.PluralRules` for the active locale; `other` is required. */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Every message key the kit renders. English (`en`) is the reference catalog. */
export type MessageKey = keyof typeof en;

/** A complete message catalog: plain strings with `{placeholder}`s, or plural forms. */
export type Messages = {
  [K in MessageKey]: (typeof en)[K] extends string ? string : PluralMessage;
};

/** Values interpolated into a message; numbers are formatted for the active locale. */
export type MessageValues = Record<string, string | number>;

export type Direction = 'ltr' | 'rtl';
