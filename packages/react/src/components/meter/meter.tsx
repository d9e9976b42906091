import { forwardRef, useId, type HTMLAttributes, type ReactNode } from 'react';
import { useAppearance } from '../../appearance/context.js';
import { useFormatters, useTranslations } from '../../i18n/context.js';

export interface MeterProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The visible label, which also names the meter for assistive technology. */
  label: ReactNode;
  /** The current amount. `null` with `kind="progress"` shows an indeterminate progress bar. */
  value: number | null;
  /** Default 0. */
  min?: number;
  /** Default 100. `null` means unlimited: the amount is shown without a bar. */
  max?: number | null;
  /**
   * `meter` (default) for a measurement within a known range, such as quota usage;
   * `progress` for a task advancing towards completion.
   */
  kind?: 'meter' | 'progress';
  /** Replaces the visible and announced value text (default: "4,100 of 5,000", localised). */
  valueText?: string;
  /** Formats `value` and `max` for the default value text. Default: locale number format. */
  formatValue?: (value: number) => string;
  /** Hides the value text (it is still announced). */
  hideValue?: boolean;
  /**
   * Fractions of the range at which the bar turns warning and danger. Default `{ warning: 0.8, danger: 1 }`;
   * pass `false` to keep the brand colour.
   */
  thresholds?: { warning?: number; danger?: number } | false;
}

/**
 * A labelled meter (`role="meter"`) or progress bar (`role="progressbar"`) with `aria-valuenow`,
 * `aria-valuemin`, `aria-valuemax` and a localised `aria-valuetext`. Classes: `au-meter`,
 * `au-meter--warning`, `au-meter--danger`, `au-meter--indeterminate`, `au-meter--unlimited`.
 */
export const Meter = forwardRef<HTMLDivElement, MeterProps>(function Meter(
  {
    label,
    value,
    min = 0,
    max = 100,
    kind = 'meter',
    valueText,
    formatValue,
    hideValue = false,
    thresholds = {},
    className,
    style,
    ...props
  },
  ref,
) {
  const el = useAppearance();
  const t = useTranslations();
  const formatters = useFormatters();
  const labelId = useId();
  const format = formatValue ?? ((n: number) => formatters.number(n));
  const unlimited = max === null;
  const indeterminate = value === null;
  const current = value ?? min;
  const range = unlimited ? 0 : max - min;
  const ratio = unlimited || range <= 0 ? 0 : Math.min(1, Math.max(0, (current - min) / range));
  const rawRatio = unlimited || range <= 0 ? 0 : (current - min) / range;
  const warning = thresholds === false ? Infinity : (thresholds.warning ?? 0.8);
  const danger = thresholds === false ? Infinity : (thresholds.danger ?? 1);
  const level = indeterminate || unlimited ? undefined : rawRatio >= danger ? 'danger' : rawRatio >= warning ? 'warning' : undefined;
  const text =
    valueText ??
    (indeterminate
      ? t('common.loading')
      : unlimited
        ? t('meter.unlimited', { value: format(current) })
        : t('meter.valueText', { value: format(current), max: format(max) }));

  return (
    <div
      ref={ref}
      {...props}
      {...el('meter', [level, indeterminate && 'indeterminate', unlimited && 'unlimited'], className, style)}
    >
      <div {...el('meter__header')}>
        <span {...el('meter__label')} id={labelId}>
          {label}
        </span>
        {(!hideValue || unlimited) && (
          // The bar announces its own value text; an unlimited meter has no bar, so its text is read.
          <span {...el('meter__value')} aria-hidden={unlimited ? undefined : true}>
            {text}
          </span>
        )}
      </div>
      {!unlimited && (
        <div
          {...el('meter__track')}
          role={kind === 'progress' ? 'progressbar' : 'meter'}
          aria-labelledby={labelId}
          aria-valuemin={indeterminate ? undefined : min}
          aria-valuemax={indeterminate ? undefined : max}
          aria-valuenow={indeterminate ? undefined : Math.min(max, Math.max(min, current))}
          aria-valuetext={indeterminate ? undefined : text}
          aria-busy={indeterminate || undefined}
        >
          <div {...el('meter__indicator', [level])} style={indeterminate ? undefined : { inlineSize: `${ratio * 100}%` }} />
        </div>
      )}
    </div>
  );
});
