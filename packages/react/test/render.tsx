import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach } from 'vitest';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

const mounted: Array<{ root: Root; container: HTMLElement }> = [];

/** Waits `count` animation frames (layout, Radix presence and floating-ui positioning settle). */
export const frames = (count = 2) =>
  new Promise<void>((resolve) => {
    const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(count);
  });

async function inAct(callback: () => void | Promise<void>) {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  try {
    await act(callback);
  } finally {
    // Real browser events (vitest userEvent) are not wrapped in act(); React must not expect them to be.
    globalThis.IS_REACT_ACT_ENVIRONMENT = false;
  }
}

/** Renders into a fresh container in <body> and lets effects, portals and positioning settle. */
export async function render(ui: ReactNode): Promise<{ container: HTMLElement; rerender: (ui: ReactNode) => Promise<void> }> {
  const container = document.createElement('div');
  container.dataset.testContainer = '';
  document.body.append(container);
  const root = createRoot(container);
  mounted.push({ root, container });
  await inAct(() => root.render(ui));
  await inAct(() => frames(2));
  return {
    container,
    rerender: async (next) => {
      await inAct(() => root.render(next));
      await inAct(() => frames(2));
    },
  };
}

/** Flushes pending React work and a couple of frames. */
export const settle = () => inAct(() => frames(2));

export async function cleanup() {
  while (mounted.length) {
    const { root, container } = mounted.pop()!;
    await inAct(() => root.unmount());
    container.remove();
  }
  // Modal Radix primitives lock <body> (pointer-events, scroll); make sure nothing leaks between tests.
  document.body.removeAttribute('style');
  document.body.removeAttribute('data-scroll-locked');
}

afterEach(cleanup);
