import type { StorybookConfig } from '@storybook/react-vite';
import { workspaceAliases } from '../../../tooling/testing/src/workspace-aliases.js';

// The designers' Storybook: every component, in every preset theme, light/dark, LTR/RTL and locale,
// plus the Theme Editor. Workspace packages resolve to their sources, so theme changes show live.
const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.@(ts|tsx)', '../src/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-a11y'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: false },
  async viteFinal(viteConfig) {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      resolve: { alias: workspaceAliases() },
      build: {
        // The preview bundles axe-core for the accessibility panel; a big chunk is expected.
        chunkSizeWarningLimit: 2000,
        // Radix modules start with "use client" (for React Server Components); meaningless in a
        // client bundle, so the notice about dropping it is noise.
        rollupOptions: {
          onwarn(warning: { code?: string }, warn: (warning: { code?: string }) => void) {
            if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
          },
        },
      },
    });
  },
};

export default config;
