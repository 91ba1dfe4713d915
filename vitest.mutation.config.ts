import { defineConfig } from 'vitest/config';

// The suites a mutation run (`npm run test:mutation`) uses: unit and integration on PGlite only.
// End-to-end and fault suites are left out (slow, and they reach src/core and src/app through the same paths),
// and so are the outbox worker's tests: they exercise src/delivery only, which is not mutated, and wait on
// real time, which a loaded machine makes miss.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/faults/**', 'test/integration/outbox*.test.ts', 'node_modules/**'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
