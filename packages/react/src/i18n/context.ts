import { createContext, useContext } from 'react';
import { formatMessage } from './catalog.js';
import { createFormatters, type Formatters } from './format.js';
import type { Direction, MessageKey, Messages, MessageValues } from './types.js';

/** Translates a message key for the active locale. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

export interface I18nValue {
  locale: string;
  dir: Direction;
  /** The provider's messages (English fills the gaps), inherited by nested providers. */
  messages: Partial<Messages>;
  t: Translate;
  formatters: Formatters;
}

export function createI18n(locale: string, dir: Direction, messages: Partial<Messages>): I18nValue {
  const formatters = createFormatters(locale);
  const formatNumber = (n: number) => formatters.number(n);
  return {
    locale,
    dir,
    messages,
    formatters,
    t: (key, values) => formatMessage(messages, key, values, locale, formatNumber),
  };
}

/** The value outside any provider (English, left to right). */
export const fallbackI18n = createI18n('en', 'ltr', {});

export const I18nContext = createContext<I18nValue>(fallbackI18n);

/**
 * The message function for the provider's locale: `t('dataTable.pageOf', { page: 2, pageCount: 9 })`.
 * Numbers in `values` are formatted for the locale; `count` picks the plural form.
 */
export function useTranslations(): Translate {
  return useContext(I18nContext).t;
}

/** The provider's locale and writing direction. */
export function useLocale(): { locale: string; dir: Direction } {
  const { locale, dir } = useContext(I18nContext);
  return { locale, dir };
}

/** `Intl` helpers (numbers, currency, percentages, dates, relative time, lists) bound to the provider's locale. */
export function useFormatters(): Formatters {
  return useContext(I18nContext).formatters;
}
