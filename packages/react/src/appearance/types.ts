import type { CSSProperties } from 'react';
import type { Theme } from '@auterity/themes';

/**
 * Stable element keys. Each rendered element carries the class `au-<key>` (and `au-<key>--<modifier>`
 * for its variants); `appearance.elements[key]` adds a class name or inline style to it.
 * These names are public API: they only change in a major version.
 */
export type AppearanceElementKey =
  | 'root'
  | 'portal'
  | 'button'
  | 'button__spinner'
  | 'badge'
  | 'card'
  | 'card__header'
  | 'card__title'
  | 'card__description'
  | 'card__content'
  | 'card__footer'
  | 'meter'
  | 'meter__header'
  | 'meter__label'
  | 'meter__value'
  | 'meter__track'
  | 'meter__indicator'
  | 'skeleton'
  | 'empty-state'
  | 'empty-state__icon'
  | 'empty-state__title'
  | 'empty-state__description'
  | 'empty-state__actions'
  | 'tabs'
  | 'tabs__list'
  | 'tabs__trigger'
  | 'tabs__content'
  | 'dialog__overlay'
  | 'dialog__content'
  | 'dialog__header'
  | 'dialog__title'
  | 'dialog__description'
  | 'dialog__body'
  | 'dialog__footer'
  | 'dialog__close'
  | 'dropdown-menu__content'
  | 'dropdown-menu__item'
  | 'dropdown-menu__checkbox-item'
  | 'dropdown-menu__radio-item'
  | 'dropdown-menu__indicator'
  | 'dropdown-menu__label'
  | 'dropdown-menu__separator'
  | 'dropdown-menu__group'
  | 'tooltip__content'
  | 'data-table'
  | 'data-table__toolbar'
  | 'data-table__search'
  | 'data-table__search-input'
  | 'data-table__columns-trigger'
  | 'data-table__scroll'
  | 'data-table__table'
  | 'data-table__caption'
  | 'data-table__head'
  | 'data-table__header-row'
  | 'data-table__header'
  | 'data-table__sort'
  | 'data-table__sort-icon'
  | 'data-table__body'
  | 'data-table__row'
  | 'data-table__spacer'
  | 'data-table__cell'
  | 'data-table__checkbox'
  | 'data-table__empty'
  | 'data-table__footer'
  | 'data-table__status'
  | 'data-table__pagination'
  | 'data-table__page-info'
  | 'data-table__page-size';

/** An element key or one of its variants (`button--primary`, `meter__indicator--danger`). */
export type AppearanceElementSelector = AppearanceElementKey | `${AppearanceElementKey}--${string}`;

/** A class name (string) or an inline style object. */
export type AppearanceElementOverride = string | CSSProperties;

type DeepPartialGroups<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

/** Theme tokens an ISV may override on top of the active theme (each group partially). */
export type AppearanceVariables = DeepPartialGroups<Pick<Theme, 'colors' | 'radius' | 'font' | 'space' | 'text' | 'shadow' | 'motion'>>;

/**
 * How an ISV restyles the kit without forking it, modelled on Clerk's `appearance` prop:
 * `variables` override theme tokens, `elements` add class names or styles to stable elements.
 */
export interface Appearance {
  variables?: AppearanceVariables;
  elements?: Partial<Record<AppearanceElementSelector, AppearanceElementOverride>>;
}
