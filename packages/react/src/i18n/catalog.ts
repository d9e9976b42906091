import { ar } from './messages/ar.js';
import { de } from './messages/de.js';
import { en } from './messages/en.js';
import { es } from './messages/es.js';
import { fr } from './messages/fr.js';
import { he } from './messages/he.js';
import { it } from './messages/it.js';
import { ja } from './messages/ja.js';
import { nl } from './messages/nl.js';
import { ptBR } from './messages/pt-BR.js';
import { zhCN } from './messages/zh-CN.js';
import type { Direction, MessageKey, Messages, MessageValues } from './types.js';

/** The catalogs shipped with the kit, keyed by BCP 47 tag. */
export const catalogs: Readonly<Record<string, Messages>> = {
  en,
  de,
  fr,
  es,
  it,
  'pt-BR': ptBR,
  nl,
  ja,
  'zh-CN': zhCN,
  ar,
  he,
};

/** Locales with a built-in catalog. */
export const supportedLocales: readonly string[] = Object.keys(catalogs);

const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ku', 'ps', 'sd', 'ug', 'ur', 'yi']);

function language(locale: string): string {
  return locale.split(/[-_]/)[0]!.toLowerCase();
}

/**
 * Picks the built-in catalog for a locale: exact tag, then the same language (`pt-PT` -> `pt-BR`,
 * `zh-TW` -> `zh-CN`), then English.
 */
export function resolveCatalogLocale(locale: string): string {
  if (catalogs[locale]) return locale;
  const lower = locale.toLowerCase();
  const exact = supportedLocales.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const lang = language(locale);
  return supportedLocales.find((l) => language(l) === lang) ?? 'en';
}

/** The writing direction of a locale (`ar`, `he`, `fa`, `ur`, ... are right-to-left). */
export function directionOf(locale: string): Direction {
  return RTL_LANGUAGES.has(language(locale)) ? 'rtl' : 'ltr';
}

/** Formats a message: fills `{name}` placeholders and picks the plural form for `values.count`. */
export function formatMessage(
  messages: Messages,
  key: MessageKey,
  values: MessageValues | undefined,
  locale: string,
  formatNumber: (n: number) => string,
): string {
  const entry = messages[key] ?? en[key];
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
