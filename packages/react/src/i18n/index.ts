export { directionOf } from './catalog.js';
export { useFormatters, useLocale, useTranslations, type Translate } from './context.js';
export { createFormatters, type Formatters } from './format.js';
export type { Direction, MessageKey, Messages, MessageValues, PluralMessage } from './types.js';
