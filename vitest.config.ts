import { defineConfig } from 'vitest/config';

// One vitest run covers every package; each package keeps its own vitest.config.ts (a "project").
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tooling/*/vitest.config.ts'],
    reporters: ['default', './tooling/testing/src/summary-reporter.ts'],
  },
});
