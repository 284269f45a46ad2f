import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'fixtures/**/*.test.ts', 'scenarios/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Drills run real processes under real load and judge latency; two test files drilling
    // at once on two shared cores would measure each other. One file at a time.
    maxWorkers: 1,
    reporters: ['default', ['json', { outputFile: 'reports/vitest/results.json' }]],
  },
});
