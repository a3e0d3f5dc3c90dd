import { defineConfig } from 'vitest/config';

export default defineConfig({
  // NODE_ENV=production (below) has no jsxDEV: compile JSX for the production runtime
  oxc: { jsx: { runtime: 'automatic', development: false } },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/helpers/global-setup.ts'],
    env: { NODE_ENV: 'production' },
  },
});
