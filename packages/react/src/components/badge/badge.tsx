import { forwardRef, type HTMLAttributes } from 'react';
import { useAppearance } from '../../appearance/context.js';

export type BadgeVariant = 'default' | 'secondary' | 'outline' | 'success' | 'warning' | 'destructive';

export interface BadgeProps extends HTMLAttributes<HTMLSpanElement> {
  /** Default `default` (the brand colour). */
  variant?: BadgeVariant;
}

/** A small status label. Classes: `au-badge`, `au-badge--<variant>`. */
export const Badge = forwardRef<HTMLSpanElement, BadgeProps>(function Badge(
  { variant = 'default', className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <span ref={ref} {...props} {...el('badge', [variant], className, style)} />;
});
