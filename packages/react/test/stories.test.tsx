// Every story renders, in light, dark and right-to-left (Arabic), and axe finds no violations.
// Stories are composed with the real Storybook preview (decorators, toolbar globals), so this is
// exactly what designers see.
import { composeStories } from '@storybook/react-vite';
import type { ComponentType } from 'react';
import { describe, expect, test, vi } from 'vitest';
import preview from '../.storybook/preview.js';
import type { AppearanceElementKey } from '../src/index.js';
import { axeViolations } from './axe.js';
import { render } from './render.js';

type StoryModule = Parameters<typeof composeStories>[0];
const modules = import.meta.glob<StoryModule>(['../src/**/*.stories.tsx', '../stories/**/*.stories.tsx'], { eager: true });

const modes = {
  light: { mode: 'light', dir: 'auto', locale: 'en' },
  dark: { mode: 'dark', dir: 'auto', locale: 'en' },
  rtl: { mode: 'light', dir: 'auto', locale: 'ar' },
} as const;

// Every `au-*` class the kit renders must be a documented element key (or a variant of one):
// ISVs target these names from `appearance.elements` and their own CSS.
const KEYS: readonly AppearanceElementKey[] = (() => {
  const source = import.meta.glob<string>('../src/appearance/types.ts', { query: '?raw', import: 'default', eager: true });
  const text = Object.values(source)[0]!;
  return [...text.matchAll(/\| '([a-z_-]+)'/g)].map((m) => m[1] as AppearanceElementKey);
})();
const UTILITY_CLASSES = new Set(['au-sr-only']);

function unknownClasses(): string[] {
  const unknown = new Set<string>();
  for (const element of document.querySelectorAll('[class*="au-"]')) {
    for (const name of element.classList) {
      if (!name.startsWith('au-') || UTILITY_CLASSES.has(name)) continue;
      const key = name.slice(3).split('--')[0]!;
      if (!KEYS.includes(key as AppearanceElementKey)) unknown.add(name);
    }
  }
  return [...unknown];
}

test('the story files were found', () => {
  expect(Object.keys(modules).length).toBeGreaterThanOrEqual(12);
});

for (const [path, module] of Object.entries(modules)) {
  const file = path.replace(/^.*\//, '');
  for (const [modeName, globals] of Object.entries(modes)) {
    const stories = composeStories(module, { ...preview, initialGlobals: { ...preview.initialGlobals, ...globals } });
    describe(`${file} (${modeName})`, () => {
      for (const [name, Story] of Object.entries(stories) as Array<[string, ComponentType]>) {
        test(`${name}`, async () => {
          // Uncaught errors and React's console errors (bad props, missing keys, ...) fail the story.
          const errors: unknown[] = [];
          const onError = (event: ErrorEvent) => errors.push(event.error);
          const consoleError = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => errors.push(args.join(' ')));
          window.addEventListener('error', onError);
          try {
            await render(<Story />);
          } finally {
            window.removeEventListener('error', onError);
            consoleError.mockRestore();
          }
          expect(errors).toEqual([]);
          const root = document.querySelector<HTMLElement>('[data-test-container] .au-root');
          expect(root).not.toBeNull();
          expect(root!.textContent!.length + root!.querySelectorAll('*').length).toBeGreaterThan(0);
          expect(root!.dataset.auMode).toBe(globals.mode);
          expect(root!.dir).toBe(modeName === 'rtl' ? 'rtl' : 'ltr');
          expect(unknownClasses()).toEqual([]);
          expect((await axeViolations()).join('\n')).toBe('');
        });
      }
    });
  }
}
