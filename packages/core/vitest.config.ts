import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../tooling/testing/src/workspace-aliases.js';

export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('../../tooling/testing/src/global-setup.ts', import.meta.url))],
    testTimeout: 20_000,
  },
});
