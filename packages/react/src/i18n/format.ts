/** Locale-bound `Intl` formatting helpers, as returned by `useFormatters()` and `createFormatters()`. */
export interface Formatters {
  readonly locale: string;
  /** `1234.5` -> `1,234.5` (en) / `1.234,5` (de). */
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** Compact notation: `12500` -> `12.5K` (en). */
  compact(value: number, options?: Intl.NumberFormatOptions): string;
  /** A ratio as a percentage: `0.42` -> `42%`. */
  percent(value: number, options?: Intl.NumberFormatOptions): string;
  /** `currency(29, 'USD')` -> `$29.00` (en) / `29,00 $` (fr). */
  currency(value: number, currency: string, options?: Intl.NumberFormatOptions): string;
  /** A calendar date, medium style by default. */
  date(value: Date | number | string, options?: Intl.DateTimeFormatOptions): string;
  /** A date with time, medium date and short time by default. */
  dateTime(value: Date | number | string, options?: Intl.DateTimeFormatOptions): string;
  /** Relative time: `relativeTime(-3, 'day')` -> `3 days ago`. */
  relativeTime(value: number, unit: Intl.RelativeTimeFormatUnit, options?: Intl.RelativeTimeFormatOptions): string;
  /** A list: `['a', 'b', 'c']` -> `a, b, and c`. */
  list(items: readonly string[], options?: Intl.ListFormatOptions): string;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat>(
  kind: string,
  locale: string,
  options: object | undefined,
  create: () => T,
): T {
  const key = `${kind}|${locale}|${options ? JSON.stringify(options) : ''}`;
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = create();
    if (cache.size > 200) cache.clear();
    cache.set(key, formatter);
  }
  return formatter;
}

const toDate = (value: Date | number | string): Date => (value instanceof Date ? value : new Date(value));

/** Creates formatting helpers bound to one locale. Formatters are cached per locale and options. */
export function createFormatters(locale: string): Formatters {
  const nf = (options?: Intl.NumberFormatOptions) =>
    cached('n', locale, options, () => new Intl.NumberFormat(locale, options));
  const df = (options: Intl.DateTimeFormatOptions) =>
    cached('d', locale, options, () => new Intl.DateTimeFormat(locale, options));
  return {
    locale,
    number: (value, options) => nf(options).format(value),
    compact: (value, options) => nf({ notation: 'compact', ...options }).format(value),
    percent: (value, options) => nf({ style: 'percent', maximumFractionDigits: 1, ...options }).format(value),
    currency: (value, currency, options) => nf({ style: 'currency', currency, ...options }).format(value),
    date: (value, options) => df(options ?? { dateStyle: 'medium' }).format(toDate(value)),
    dateTime: (value, options) => df(options ?? { dateStyle: 'medium', timeStyle: 'short' }).format(toDate(value)),
    relativeTime: (value, unit, options) =>
      cached('r', locale, options, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', ...options })).format(
        value,
        unit,
      ),
    list: (items, options) =>
      cached('l', locale, options, () => new Intl.ListFormat(locale, { type: 'conjunction', ...options })).format(items),
  };
}
