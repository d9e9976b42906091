import * as TabsPrimitive from '@radix-ui/react-tabs';
import { forwardRef, type ComponentPropsWithoutRef, type ComponentRef } from 'react';
import { useAppearance } from '../../appearance/context.js';

export type TabsProps = ComponentPropsWithoutRef<typeof TabsPrimitive.Root>;
export type TabsListProps = ComponentPropsWithoutRef<typeof TabsPrimitive.List>;
export type TabsTriggerProps = ComponentPropsWithoutRef<typeof TabsPrimitive.Trigger>;
export type TabsContentProps = ComponentPropsWithoutRef<typeof TabsPrimitive.Content>;

/**
 * Tabs (Radix): arrow keys move between triggers (mirrored in RTL), Home/End jump, the selected
 * panel follows focus unless `activationMode="manual"`. Classes: `au-tabs`, `au-tabs--<orientation>`.
 */
export const Tabs = forwardRef<ComponentRef<typeof TabsPrimitive.Root>, TabsProps>(function Tabs(
  { className, style, orientation = 'horizontal', ...props },
  ref,
) {
  const el = useAppearance();
  return <TabsPrimitive.Root ref={ref} orientation={orientation} {...props} {...el('tabs', [orientation], className, style)} />;
});

/** Class `au-tabs__list`. Give it an `aria-label` when the tabs have no visible heading. */
export const TabsList = forwardRef<ComponentRef<typeof TabsPrimitive.List>, TabsListProps>(function TabsList(
  { className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <TabsPrimitive.List ref={ref} {...props} {...el('tabs__list', undefined, className, style)} />;
});

/** Class `au-tabs__trigger` (`data-state="active"` when selected). */
export const TabsTrigger = forwardRef<ComponentRef<typeof TabsPrimitive.Trigger>, TabsTriggerProps>(function TabsTrigger(
  { className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <TabsPrimitive.Trigger ref={ref} {...props} {...el('tabs__trigger', undefined, className, style)} />;
});

/** Class `au-tabs__content`. */
export const TabsContent = forwardRef<ComponentRef<typeof TabsPrimitive.Content>, TabsContentProps>(function TabsContent(
  { className, style, ...props },
  ref,
) {
  const el = useAppearance();
  return <TabsPrimitive.Content ref={ref} {...props} {...el('tabs__content', undefined, className, style)} />;
});
