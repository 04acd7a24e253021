import { defineConfig } from 'vitest/config';

// One suite, two databases: CHAMBERS_TEST_DB=pglite (default) or postgres (.ci/run runs both).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ['test/helpers/global-setup.ts', 'e2e/global-setup.ts'],
  },
});
