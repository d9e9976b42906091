import * as TooltipPrimitive from '@radix-ui/react-tooltip';
import type { CSSProperties, ReactElement, ReactNode } from 'react';
import { useAppearance } from '../../appearance/context.js';
import { usePortalContainer } from '../../provider/contexts.js';

export interface TooltipProps {
  /** What the tooltip says. Keep it short and never the only place important information lives. */
  content: ReactNode;
  /** The trigger: one focusable element (a `Button`, a link), which receives the tooltip's `aria-describedby`. */
  children: ReactElement;
  /** Preferred side; flips when there is no room. Default `top`. */
  side?: 'top' | 'right' | 'bottom' | 'left';
  align?: 'start' | 'center' | 'end';
  /** Milliseconds before it opens on hover. Default 300 (from the provider). */
  delayDuration?: number;
  open?: boolean;
  defaultOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
  className?: string;
  style?: CSSProperties;
}

/**
 * A tooltip (Radix) shown on hover and keyboard focus, hidden on Escape. Class `au-tooltip__content`.
 */
export function Tooltip({
  content,
  children,
  side = 'top',
  align = 'center',
  delayDuration,
  open,
  defaultOpen,
  onOpenChange,
  className,
  style,
}: TooltipProps) {
  const el = useAppearance();
  const container = usePortalContainer();
  return (
    <TooltipPrimitive.Root open={open} defaultOpen={defaultOpen} onOpenChange={onOpenChange} delayDuration={delayDuration}>
      <TooltipPrimitive.Trigger asChild>{children}</TooltipPrimitive.Trigger>
      {container !== null && (
        <TooltipPrimitive.Portal container={container}>
          <TooltipPrimitive.Content side={side} align={align} sideOffset={6} {...el('tooltip__content', undefined, className, style)}>
            {content}
          </TooltipPrimitive.Content>
        </TooltipPrimitive.Portal>
      )}
    </TooltipPrimitive.Root>
  );
}
