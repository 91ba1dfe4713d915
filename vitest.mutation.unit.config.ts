import { defineConfig } from 'vitest/config';

// The unit suites alone, for a quick mutation run over src/core (`npm run test:mutation:core`): src/core is pure,
// and its unit tests are meant to catch what changes its behaviour. A mutant they let through may still be caught
// by the integration suites (`npm run test:mutation` runs those too), so this run's score is a lower bound.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
