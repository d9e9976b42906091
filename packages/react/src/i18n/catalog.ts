import { en } from './messages/en.js';
import type { Direction, MessageKey, Messages, MessageValues } from './types.js';

// English is the only catalog in the root entry (and the fallback for missing keys); the others
// are in the `@auterity/react/locales` entry (./locales.ts), so an app ships the ones it imports.

const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ku', 'ps', 'sd', 'ug', 'ur', 'yi']);

export function language(locale: string): string {
  return locale.split(/[-_]/)[0]!.toLowerCase();
}

/** The writing direction of a locale (`ar`, `he`, `fa`, `ur`, ... are right-to-left). */
export function directionOf(locale: string): Direction {
  return RTL_LANGUAGES.has(language(locale)) ? 'rtl' : 'ltr';
}

/** Formats a message: fills `{name}` placeholders and picks the plural form for `values.count`. */
export function formatMessage(
  messages: Partial<Messages>,
  key: MessageKey,
  values: MessageValues | undefined,
  locale: string,
  formatNumber: (n: number) => string,
): string {
  const entry: Messages[MessageKey] = messages[key] ?? (en as Messages)[key];
  let template: string;
  if (typeof entry === 'string') template = entry;
  else {
    const count = typeof values?.count === 'number' ? values.count : 0;
    const form = pluralRules(locale).select(count);
    template = entry[form] ?? entry.other;
  }
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) return match;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

const pluralCache = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
  let rules = pluralCache.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralCache.set(locale, rules);
  }
  return rules;
}
