import { defineConfig } from 'vitest/config';

// The independent scanners (.ci/run step "scanners"): the Mozilla HTTP Observatory and sqlmap
// against a running Chambers. Slow (minutes), so not part of `npm test`; `npx vitest run -c vitest.scanners.config.ts`.
export default defineConfig({
  test: {
    include: ['test/scanners/**/*.scan.ts'],
    // sqlmap over ~50 operations at level 3: most take seconds, the audit event list with its
    // six parameters takes many minutes on two cores. CI's whole budget is 90 minutes.
    testTimeout: 2_700_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    fileParallelism: false,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
