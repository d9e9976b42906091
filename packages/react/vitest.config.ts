import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../tooling/testing/src/workspace-aliases.js';

// Component tests run in real (Debian) Chromium through vitest browser mode; never a downloaded browser.
const executablePath = process.env.AUTERITY_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: workspaceAliases() },
  // Pre-bundled up front, so a cold CI run never re-optimises (and reloads) in the middle of a test.
  optimizeDeps: {
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      '@radix-ui/react-dialog',
      '@radix-ui/react-direction',
      '@radix-ui/react-dropdown-menu',
      '@radix-ui/react-tabs',
      '@radix-ui/react-tooltip',
      '@tanstack/react-table',
      '@storybook/react-vite',
      'axe-core',
    ],
  },
  test: {
    name: 'react',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    expect: { poll: { timeout: 5_000 } },
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      viewport: { width: 1280, height: 900 },
      provider: playwright({
        // Animations off: axe and layout assertions see final states, not mid-transition frames.
        contextOptions: { reducedMotion: 'reduce' },
        launchOptions: {
          executablePath,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
