// @auterity/react/locales: the kit's message catalogs besides the built-in English. Pass one to the
// provider: `<AuterityProvider locale="de" messages={de}>`, or `messages={messagesFor(locale)}`
// when the locale is picked at run time. Kept out of the root entry, so apps ship only the
// catalogs they import.
export { ar, catalogs, de, en, es, fr, he, it, ja, messagesFor, nl, ptBR, resolveCatalogLocale, supportedLocales, zhCN } from '../i18n/locales.js';
export type { Messages } from '../i18n/types.js';
