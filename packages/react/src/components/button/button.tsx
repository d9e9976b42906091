import { forwardRef, type ButtonHTMLAttributes } from 'react';
import { useAppearance } from '../../appearance/context.js';

export type ButtonVariant = 'primary' | 'secondary' | 'outline' | 'ghost' | 'destructive';
export type ButtonSize = 'sm' | 'md' | 'lg' | 'icon';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Visual weight. Default `primary`. */
  variant?: ButtonVariant;
  /** Default `md`. `icon` is a square button for a single icon (give it an `aria-label`). */
  size?: ButtonSize;
  /** Shows a spinner, sets `aria-busy` and blocks clicks while keeping focus on the button. */
  loading?: boolean;
}

/** A button. Classes: `au-button`, `au-button--<variant>`, `au-button--<size>`, `au-button--loading`. */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'primary', size = 'md', loading = false, type = 'button', className, style, children, onClick, disabled, ...props },
  ref,
) {
  const el = useAppearance();
  return (
    <button
      ref={ref}
      type={type}
      {...props}
      {...el('button', [variant, size, loading && 'loading'], className, style)}
      disabled={disabled}
      aria-busy={loading || undefined}
      aria-disabled={loading || undefined}
      onClick={loading ? (event) => event.preventDefault() : onClick}
    >
      {loading && <span {...el('button__spinner')} aria-hidden="true" />}
      {children}
    </button>
  );
});
