import * as MenuPrimitive from '@radix-ui/react-dropdown-menu';
import { forwardRef, type ComponentPropsWithoutRef, type ComponentRef } from 'react';
import { useAppearance } from '../../appearance/context.js';
import { CheckIcon, DotIcon } from '../../internal/icons.js';
import { usePortalContainer } from '../../provider/contexts.js';

/**
 * A menu of actions or options (Radix): opens with Enter, Space or ArrowDown on its trigger,
 * arrow keys move, typeahead jumps, Escape closes and returns focus to the trigger.
 */
export const DropdownMenu = (props: ComponentPropsWithoutRef<typeof MenuPrimitive.Root>) => <MenuPrimitive.Root {...props} />;
/** Opens the menu; use `asChild` to render your own `Button`. */
export const DropdownMenuTrigger = MenuPrimitive.Trigger;
export const DropdownMenuRadioGroup = MenuPrimitive.RadioGroup;

export type DropdownMenuContentProps = ComponentPropsWithoutRef<typeof MenuPrimitive.Content>;

/** The menu surface, portalled into the kit's themed portal root. Class `au-dropdown-menu__content`. */
export const DropdownMenuContent = forwardRef<ComponentRef<typeof MenuPrimitive.Content>, DropdownMenuContentProps>(
  function DropdownMenuContent({ className, style, sideOffset = 4, align = 'start', ...props }, ref) {
    const el = useAppearance();
    const container = usePortalContainer();
    if (container === null) return null;
    return (
      <MenuPrimitive.Portal container={container}>
        <MenuPrimitive.Content
          ref={ref}
          sideOffset={sideOffset}
          align={align}
          {...props}
          {...el('dropdown-menu__content', undefined, className, style)}
        />
      </MenuPrimitive.Portal>
    );
  },
);

export interface DropdownMenuItemProps extends ComponentPropsWithoutRef<typeof MenuPrimitive.Item> {
  /** `destructive` colours a dangerous action. */
  variant?: 'default' | 'destructive';
}

/** Class `au-dropdown-menu__item` (`data-highlighted` when focused, `data-disabled`). */
export const DropdownMenuItem = forwardRef<ComponentRef<typeof MenuPrimitive.Item>, DropdownMenuItemProps>(
  function DropdownMenuItem({ className, style, variant = 'default', ...props }, ref) {
    const el = useAppearance();
    return (
      <MenuPrimitive.Item
        ref={ref}
        {...props}
        {...el('dropdown-menu__item', [variant === 'destructive' && 'destructive'], className, style)}
      />
    );
  },
);

/** A toggle item (`role="menuitemcheckbox"`). Class `au-dropdown-menu__checkbox-item`. */
export const DropdownMenuCheckboxItem = forwardRef<
  ComponentRef<typeof MenuPrimitive.CheckboxItem>,
  ComponentPropsWithoutRef<typeof MenuPrimitive.CheckboxItem>
>(function DropdownMenuCheckboxItem({ className, style, children, ...props }, ref) {
  const el = useAppearance();
  return (
    <MenuPrimitive.CheckboxItem ref={ref} {...props} {...el('dropdown-menu__checkbox-item', undefined, className, style)}>
      <span {...el('dropdown-menu__indicator')}>
        <MenuPrimitive.ItemIndicator>
          <CheckIcon />
        </MenuPrimitive.ItemIndicator>
      </span>
      {children}
    </MenuPrimitive.CheckboxItem>
  );
});

/** One choice of a `DropdownMenuRadioGroup` (`role="menuitemradio"`). Class `au-dropdown-menu__radio-item`. */
export const DropdownMenuRadioItem = forwardRef<
  ComponentRef<typeof MenuPrimitive.RadioItem>,
  ComponentPropsWithoutRef<typeof MenuPrimitive.RadioItem>
>(function DropdownMenuRadioItem({ className, style, children, ...props }, ref) {
  const el = useAppearance();
  return (
    <MenuPrimitive.RadioItem ref={ref} {...props} {...el('dropdown-menu__radio-item', undefined, className, style)}>
      <span {...el('dropdown-menu__indicator')}>
        <MenuPrimitive.ItemIndicator>
          <DotIcon />
        </MenuPrimitive.ItemIndicator>
      </span>
      {children}
    </MenuPrimitive.RadioItem>
  );
});

/** A non-interactive heading inside the menu. Class `au-dropdown-menu__label`. */
export const DropdownMenuLabel = forwardRef<
  ComponentRef<typeof MenuPrimitive.Label>,
  ComponentPropsWithoutRef<typeof MenuPrimitive.Label>
>(function DropdownMenuLabel({ className, style, ...props }, ref) {
  const el = useAppearance();
  return <MenuPrimitive.Label ref={ref} {...props} {...el('dropdown-menu__label', undefined, className, style)} />;
});

/** Class `au-dropdown-menu__separator`. */
export const DropdownMenuSeparator = forwardRef<
  ComponentRef<typeof MenuPrimitive.Separator>,
  ComponentPropsWithoutRef<typeof MenuPrimitive.Separator>
>(function DropdownMenuSeparator({ className, style, ...props }, ref) {
  const el = useAppearance();
  return <MenuPrimitive.Separator ref={ref} {...props} {...el('dropdown-menu__separator', undefined, className, style)} />;
});

/** Groups related items (`role="group"`). Class `au-dropdown-menu__group`. */
export const DropdownMenuGroup = forwardRef<
  ComponentRef<typeof MenuPrimitive.Group>,
  ComponentPropsWithoutRef<typeof MenuPrimitive.Group>
>(function DropdownMenuGroup({ className, style, ...props }, ref) {
  const el = useAppearance();
  return <MenuPrimitive.Group ref={ref} {...props} {...el('dropdown-menu__group', undefined, className, style)} />;
});
