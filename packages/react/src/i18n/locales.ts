import { language } from './catalog.js';
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
import type { Messages } from './types.js';

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

/**
 * The built-in catalog for a locale (resolved as `resolveCatalogLocale` does), for
 * `<AuterityProvider locale={locale} messages={messagesFor(locale)}>` when the locale is chosen at
 * run time. Importing it ships every catalog; import single catalogs (`de`, `ar`, ...) otherwise.
 */
export function messagesFor(locale: string): Messages {
  return catalogs[resolveCatalogLocale(locale)]!;
}

export { ar, de, en, es, fr, he, it, ja, nl, ptBR, zhCN };
