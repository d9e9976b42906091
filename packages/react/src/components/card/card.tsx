import { forwardRef, type HTMLAttributes } from 'react';
import { useAppearance } from '../../appearance/context.js';
import type { AppearanceElementKey } from '../../appearance/types.js';

type Tag = 'div' | 'section' | 'article' | 'header' | 'footer' | 'h2' | 'h3' | 'p';

function part<E extends HTMLElement>(key: AppearanceElementKey, Default: Tag, displayName: string) {
  const Component = forwardRef<E, HTMLAttributes<E> & { as?: Tag }>(function CardPart(
    { as: As = Default, className, style, ...props },
    ref,
  ) {
    const el = useAppearance();
    const Element = As as 'div';
    return <Element ref={ref as never} {...(props as HTMLAttributes<HTMLElement>)} {...el(key, undefined, className, style)} />;
  });
  Component.displayName = displayName;
  return Component;
}

/** A surface grouping related content. Class `au-card`; render as another element with `as`. */
export const Card = part<HTMLDivElement>('card', 'div', 'Card');
/** Class `au-card__header`. */
export const CardHeader = part<HTMLDivElement>('card__header', 'div', 'CardHeader');
/** The card's heading, an `h3` by default (`as="h2"` to fit your outline). Class `au-card__title`. */
export const CardTitle = part<HTMLHeadingElement>('card__title', 'h3', 'CardTitle');
/** Class `au-card__description`. */
export const CardDescription = part<HTMLParagraphElement>('card__description', 'p', 'CardDescription');
/** Class `au-card__content`. */
export const CardContent = part<HTMLDivElement>('card__content', 'div', 'CardContent');
/** Class `au-card__footer`. */
export const CardFooter = part<HTMLDivElement>('card__footer', 'div', 'CardFooter');

export type CardProps = HTMLAttributes<HTMLDivElement> & { as?: Tag };
