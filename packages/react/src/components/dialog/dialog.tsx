import * as DialogPrimitive from '@radix-ui/react-dialog';
import { forwardRef, type ComponentPropsWithoutRef, type ComponentRef, type HTMLAttributes } from 'react';
import { useAppearance } from '../../appearance/context.js';
import { useTranslations } from '../../i18n/context.js';
import { CloseIcon } from '../../internal/icons.js';
import { usePortalContainer } from '../../provider/contexts.js';

export type DialogProps = ComponentPropsWithoutRef<typeof DialogPrimitive.Root>;
export type DialogSize = 'sm' | 'md' | 'lg';

export interface DialogContentProps extends ComponentPropsWithoutRef<typeof DialogPrimitive.Content> {
  /** Maximum width. Default `md`. */
  size?: DialogSize;
  /** Hides the close button in the corner (keep another way to close it). */
  hideCloseButton?: boolean;
}

/**
 * A modal dialog (Radix): focus moves inside and is trapped, Escape and the close button close
 * it, focus returns to the trigger. Always render a `DialogTitle`.
 */
export const Dialog = (props: DialogProps) => <DialogPrimitive.Root {...props} />;
/** Opens the dialog; use `asChild` to render your own `Button`. */
export const DialogTrigger = DialogPrimitive.Trigger;
/** Closes the dialog; use `asChild` to render your own `Button`. */
export const DialogClose = DialogPrimitive.Close;

/** The dialog surface with its overlay, portalled into the kit's themed portal root. Classes `au-dialog__overlay`, `au-dialog__content`. */
export const DialogContent = forwardRef<ComponentRef<typeof DialogPrimitive.Content>, DialogContentProps>(
  function DialogContent({ className, style, size = 'md', hideCloseButton = false, children, ...props }, ref) {
    const el = useAppearance();
    const t = useTranslations();
    const container = usePortalContainer();
    if (container === null) return null;
    return (
      <DialogPrimitive.Portal container={container}>
        <DialogPrimitive.Overlay {...el('dialog__overlay')} />
        <DialogPrimitive.Content ref={ref} {...props} {...el('dialog__content', [size], className, style)}>
          {children}
          {!hideCloseButton && (
            <DialogPrimitive.Close {...el('dialog__close')} aria-label={t('common.close')}>
              <CloseIcon />
            </DialogPrimitive.Close>
          )}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    );
  },
);

/** Class `au-dialog__header`. */
export const DialogHeader = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(function DialogHeader(
  { className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <div ref={ref} {...props} {...el('dialog__header', undefined, className, style)} />;
});

/** Class `au-dialog__body`: the scrollable middle of a long dialog. */
export const DialogBody = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(function DialogBody(
  { className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <div ref={ref} {...props} {...el('dialog__body', undefined, className, style)} />;
});

/** Class `au-dialog__footer`: actions, end-aligned. */
export const DialogFooter = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(function DialogFooter(
  { className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <div ref={ref} {...props} {...el('dialog__footer', undefined, className, style)} />;
});

/** The dialog's accessible name. Class `au-dialog__title`. */
export const DialogTitle = forwardRef<
  ComponentRef<typeof DialogPrimitive.Title>,
  ComponentPropsWithoutRef<typeof DialogPrimitive.Title>
>(function DialogTitle({ className, style, ...props }, ref) {
  const el = useAppearance();
  return <DialogPrimitive.Title ref={ref} {...props} {...el('dialog__title', undefined, className, style)} />;
});

/** The dialog's accessible description. Class `au-dialog__description`. */
export const DialogDescription = forwardRef<
  ComponentRef<typeof DialogPrimitive.Description>,
  ComponentPropsWithoutRef<typeof DialogPrimitive.Description>
>(function DialogDescription({ className, style, ...props }, ref) {
  const el = useAppearance();
  return <DialogPrimitive.Description ref={ref} {...props} {...el('dialog__description', undefined, className, style)} />;
});
