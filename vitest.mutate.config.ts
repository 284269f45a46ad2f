import { defineConfig } from 'vitest/config';

/**
 * The unit tests `npm run mutate` runs against each mutant of the verdict core
 * (stryker.config.mjs): pure and fast, nothing that spawns a process, a drill or an engine,
 * so a mutant costs well under a second.
 */
export const MUTATION_TESTS = [
  'harness/checks/*.test.ts',
  'harness/verdict/*.test.ts',
  'harness/guard/*.test.ts',
  'harness/traffic/set-checker.test.ts',
];

export default defineConfig({
  test: {
    include: MUTATION_TESTS,
    // Real child processes and real traffic, judged on timing: too slow and too noisy to run per mutant.
    exclude: ['harness/checks/measured-sli-check.test.ts'],
    testTimeout: 10_000,
    reporters: ['default'],
  },
});
