import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../tooling/testing/src/workspace-aliases.js';

export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: { name: 'demo', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
