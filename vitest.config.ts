import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite instances take a few hundred MB each: keep the number of parallel files modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
