// The window of rows a virtualised DataTable renders. Rows have one fixed height, so the window is
// plain arithmetic on the scroller's scrollTop and height, with nothing allocated per row (a
// general-purpose virtualizer keeps a measurement object per row: 100,000 of them on the first
// render of 100,000 rows, for the garbage collector to deal with while the user starts scrolling).
import { useEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

interface Viewport {
  top: number;
  height: number;
}

export interface RowWindowOptions {
  scrollRef: RefObject<HTMLElement | null>;
  /** Rows in all (the window's positions are 0 to count - 1). */
  count: number;
  rowHeight: number;
  /** The scroller's height until it has been laid out (then a ResizeObserver keeps it). */
  initialHeight: number;
  /** Rows rendered beyond the viewport on each side. */
  overscan: number;
  enabled: boolean;
}

export interface RowWindow {
  /** Position of the first rendered row. */
  first: number;
  /** Rows rendered: positions first to first + rendered - 1. */
  rendered: number;
  /** The most rows the window can hold at the viewport's current height (rendered <= capacity). */
  capacity: number;
  /** Heights of the spacers above and below the rendered rows. */
  paddingStart: number;
  paddingEnd: number;
  /** Scrolls so that the row at `position` sits in the middle of the viewport (when it can). */
  scrollToCenter: (position: number) => void;
}

// The rows a viewport shows, in part or whole: [first, end).
const visibleRows = ({ top, height }: Viewport, rowHeight: number) => [Math.floor(top / rowHeight), Math.ceil((top + height) / rowHeight)] as const;

// The next viewport state: the previous one while the same rows are in view, so scrolling within
// a row renders nothing.
function nextViewport(previous: Viewport, next: Viewport, rowHeight: number): Viewport {
  const [from, to] = visibleRows(previous, rowHeight);
  const [nextFrom, nextTo] = visibleRows(next, rowHeight);
  return from === nextFrom && to === nextTo ? previous : next;
}

export function useRowWindow({ scrollRef, count, rowHeight, initialHeight, overscan, enabled }: RowWindowOptions): RowWindow {
  const [viewport, setViewport] = useState<Viewport>({ top: 0, height: initialHeight });

  useEffect(() => {
    const scroller = scrollRef.current;
    if (!enabled || !scroller) return;
    const sync = () => {
      const next = { top: scroller.scrollTop, height: scroller.clientHeight };
      setViewport((previous) => nextViewport(previous, next, rowHeight));
    };
    // Rendered synchronously in the scroll event, so the new rows are on screen in the frame that
    // scrolled rather than a frame later (a blank band while scrolling fast).
    const onScroll = () => flushSync(sync);
    scroller.addEventListener('scroll', onScroll, { passive: true });
    // Observing reports the laid-out height once at the start (no layout forced while rendering),
    // then on every resize.
    const observer = new ResizeObserver(sync);
    observer.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [scrollRef, enabled, rowHeight]);

  // A partly visible row at each end, plus the overscan.
  const capacity = Math.ceil(viewport.height / rowHeight) + 1 + 2 * overscan;
  if (!enabled || count === 0) {
    return { first: 0, rendered: 0, capacity, paddingStart: 0, paddingEnd: 0, scrollToCenter: () => {} };
  }
  const [from, to] = visibleRows(viewport, rowHeight);
  // Clamped: the scroller can briefly be scrolled past the rows (after a search shortened the list).
  const first = Math.max(0, Math.min(count - 1, from) - overscan);
  const end = Math.min(count, Math.max(from + 1, to) + overscan);
  const scrollToCenter = (position: number) => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    const height = scroller.clientHeight;
    const centered = position * rowHeight - (height - rowHeight) / 2;
    scroller.scrollTop = Math.max(0, Math.min(count * rowHeight - height, centered));
    // The window moves now rather than at the next frame's scroll event, so the caller's row is
    // rendered (and can take focus) in this update.
    const next = { top: scroller.scrollTop, height };
    setViewport((previous) => nextViewport(previous, next, rowHeight));
  };
  return {
    first,
    rendered: Math.max(0, end - first),
    capacity,
    paddingStart: first * rowHeight,
    paddingEnd: (count - end) * rowHeight,
    scrollToCenter,
  };
}
