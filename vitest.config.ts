import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep forks few so service-backed suites do not starve each other.
    pool: 'forks',
    maxWorkers: 2,
    // Under CI a failed test is run once more: several end-to-end tests wait on real processes,
    // brokers and a browser, and a loaded 2-core machine has failed them on timing alone (named in
    // the closing notes). A test that fails twice still fails the run.
    retry: process.env.CI ? 1 : 0,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});
