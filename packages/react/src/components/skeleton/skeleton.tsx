import { forwardRef, type HTMLAttributes } from 'react';
import { useAppearance } from '../../appearance/context.js';

export interface SkeletonProps extends HTMLAttributes<HTMLSpanElement> {
  /** `text` (a line of text, default), `block` (a rectangle) or `circle` (an avatar). */
  shape?: 'text' | 'block' | 'circle';
  /** CSS width (inline size). Default: the full width for text and blocks. */
  width?: number | string;
  /** CSS height (block size). */
  height?: number | string;
}

/**
 * A placeholder shown while content loads. Hidden from assistive technology: mark the loading
 * region with `aria-busy` and announce it elsewhere. Pulses unless the user prefers reduced motion.
 * Classes `au-skeleton`, `au-skeleton--<shape>`.
 */
export const Skeleton = forwardRef<HTMLSpanElement, SkeletonProps>(function Skeleton(
  { shape = 'text', width, height, className, style, ...props },
  ref,
) {
  const el = useAppearance();
  const size = { inlineSize: width, blockSize: shape === 'circle' ? (height ?? width) : height, ...style };
  return <span ref={ref} aria-hidden="true" {...props} {...el('skeleton', [shape], className, size)} />;
});
