import { forwardRef, type HTMLAttributes, type ReactNode } from 'react';
import { useAppearance } from '../../appearance/context.js';

export interface EmptyStateProps extends Omit<HTMLAttributes<HTMLDivElement>, 'title'> {
  /** A decorative illustration or icon (hidden from assistive technology). */
  icon?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  /** Heading level of the title, to fit the page outline. Default 3. */
  headingLevel?: 2 | 3 | 4 | 5 | 6;
  /** Calls to action (buttons, links). */
  actions?: ReactNode;
}

/** What to show when there is nothing yet. Classes `au-empty-state` and its `__icon`, `__title`, `__description`, `__actions`. */
export const EmptyState = forwardRef<HTMLDivElement, EmptyStateProps>(function EmptyState(
  { icon, title, description, headingLevel = 3, actions, className, style, children, ...props },
  ref,
) {
  const el = useAppearance();
  const Heading = `h${headingLevel}` as 'h3';
  return (
    <div ref={ref} {...props} {...el('empty-state', undefined, className, style)}>
      {icon && (
        <div {...el('empty-state__icon')} aria-hidden="true">
          {icon}
        </div>
      )}
      <Heading {...el('empty-state__title')}>{title}</Heading>
      {description && <p {...el('empty-state__description')}>{description}</p>}
      {children}
      {actions && <div {...el('empty-state__actions')}>{actions}</div>}
    </div>
  );
});
