import { defineConfig } from 'vitest/config';

// `npm test` runs unit, integration and end-to-end suites; `npm run test:faults` runs the heavy fault,
// crash and load suites (test/faults). CI runs both.
const faults = process.env.BATON_SUITE === 'faults';

export default defineConfig({
  test: {
    include: faults ? ['test/faults/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: faults ? [] : ['test/faults/**', 'node_modules/**'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite instances take a few hundred MB each: keep the number of parallel files modest.
    maxWorkers: faults ? 1 : 2,
    pool: 'forks',
  },
});
