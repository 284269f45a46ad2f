// @ts-check
/**
 * `npm run mutate`: mutation testing of the verdict core (issue 14 item 1), the code that
 * decides pass, fail or unknown, against its unit tests only (vitest.mutate.config.ts).
 * harness/mutation/mutation-summary.ts then writes reports/mutation/summary.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: [
    'harness/checks/**/*.ts',
    'harness/verdict/**/*.ts',
    'harness/guard/**/*.ts',
    'harness/traffic/set-checker.ts',
    '!**/*.test.ts',
  ],
  // Only what the unit tests import is copied to the sandbox; drills, fixtures and reports are not.
  ignorePatterns: ['/reports', '/.drillbit', '/fixtures', '/scenarios', '/test'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // reports/ is ignored by git (reports/README.md).
  tempDirName: 'reports/mutation/.sandbox',
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
