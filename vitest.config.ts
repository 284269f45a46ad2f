import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'fixtures/**/*.test.ts', 'scenarios/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Drills start real processes; two cores are shared, so keep file-level parallelism modest.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'reports/vitest/results.json' }]],
  },
});
