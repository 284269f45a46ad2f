import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillbitInProcess } from '../../test/cli-in-process.ts';
import { attemptsOf, syntheticRun, writeResultsDir } from '../../test/synthetic-results.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-gate-'));
const nineteenOfTwenty = writeResultsDir(join(root, 'nineteen'), syntheticRun(attemptsOf('bad release is rolled back', 19, 20)));

describe('drillbit gate', () => {
  it('19/20 vs 0.9: exit 1 on the lower bound (default), exit 0 on the observed rate', async () => {
    const lower = await drillbitInProcess(['gate', nineteenOfTwenty, '--min-pass-rate', '0.9']);
    expect(lower.code, lower.stderr).toBe(1);
    expect(lower.stdout).toMatch(/bad release is rolled back\s+20\s+19\s+95\.0%\s+76\.4%\s+flaky\s+below/);
    expect(lower.stdout).toContain('gate NOT met: 95% lower bound ≥ 90.0% for every scenario');
    const observed = await drillbitInProcess(['gate', nineteenOfTwenty, '--min-pass-rate', '0.9', '--on', 'observed']);
    expect(observed.code, observed.stderr).toBe(0);
    expect(observed.stdout).toContain('gate met');
  });

  it('combines the attempts of a scenario across runs', async () => {
    const a = writeResultsDir(join(root, 'night-1'), syntheticRun(attemptsOf('s', 10, 10)));
    const b = writeResultsDir(join(root, 'night-2'), syntheticRun(attemptsOf('s', 10, 10)));
    const one = await drillbitInProcess(['gate', a, '--min-pass-rate', '0.8']);
    expect(one.code).toBe(1); // 10/10: lower bound 0.72
    const both = await drillbitInProcess(['gate', a, b, '--min-pass-rate', '0.8']);
    expect(both.code, both.stdout).toBe(0); // 20/20: lower bound 0.84
    expect(both.stdout).toMatch(/^s\s+20\s+20\s+100\.0%\s+83\.9%\s+ok$/m);
  });

  it('fails the gate when a run was aborted', async () => {
    const dir = writeResultsDir(join(root, 'aborted'), syntheticRun(attemptsOf('s', 5, 5), { aborted: true }));
    const result = await drillbitInProcess(['gate', dir, '--min-pass-rate', '0', '--on', 'observed']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('a run was aborted before every scenario finished');
  });

  it('a truncated results.json: exit 2 naming the file, line and column, and what could be read is still gated, marked incomplete', async () => {
    const good = writeResultsDir(join(root, 'ok'), syntheticRun(attemptsOf('other', 3, 3)));
    const dir = writeResultsDir(join(root, 'truncated'), syntheticRun(attemptsOf('s', 4, 4)));
    const text = readFileSync(join(dir, 'results.json'), 'utf8');
    const cut = text.indexOf('"attempt": 3');
    writeFileSync(join(dir, 'results.json'), text.slice(0, cut));
    const line = text.slice(0, cut).split('\n').length;
    const result = await drillbitInProcess(['gate', good, dir, '--min-pass-rate', '0.1', '--on', 'observed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'results.json')}: line ${line}, column `);
    expect(result.stderr).toContain('unexpected end of file');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toMatch(/^s\s+2\s+2\s+100\.0%/m);
    expect(result.stdout).toMatch(/^other\s+3\s+3/m);
    expect(result.stdout).toContain('INCOMPLETE');
  });

  it('a missing results.json or a file that is not results: exit 2 naming the file', async () => {
    const missing = await drillbitInProcess(['gate', join(root, 'nowhere'), '--min-pass-rate', '0.5']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(root, 'nowhere', 'results.json')}: no such file`);
    const notResults = join(root, 'array.json');
    writeFileSync(notResults, '[1, 2]');
    const wrong = await drillbitInProcess(['gate', notResults, '--min-pass-rate', '0.5']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${notResults}: not a drillbit results object (found an array)`);
    const badStatus = writeResultsDir(join(root, 'bad-status'), syntheticRun(attemptsOf('s', 1, 1)));
    writeFileSync(join(badStatus, 'results.json'), readFileSync(join(badStatus, 'results.json'), 'utf8').replace('"status": "passed"', '"status": "ok"'));
    const invalid = await drillbitInProcess(['gate', badStatus, '--min-pass-rate', '0.5']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/results\.json: scenarios\[0\]: status: /);
  });

  it('bad flags exit 2 naming the flag', async () => {
    for (const [args, pattern] of [
      [['--min-pass-rate', '1.5'], /--min-pass-rate expects a ratio/],
      [['--min-pass-rate', '0.9', '--on', 'median'], /--on expects one of lower-bound, observed, got "median"/],
      [[], /required option '--min-pass-rate <ratio>' not specified/],
    ] as const) {
      const result = await drillbitInProcess(['gate', nineteenOfTwenty, ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(pattern);
    }
  });

  it('appends a markdown summary to $GITHUB_STEP_SUMMARY when set', async () => {
    const summary = join(root, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const result = await drillbitInProcess(['gate', nineteenOfTwenty, '--min-pass-rate', '0.9'], { stepSummaryPath: summary });
    expect(result.code).toBe(1);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(/^# earlier step\n### Drillbit gate: not met ❌/);
    expect(markdown).toContain('| bad release is rolled back | 20 | 19 | 95.0% | 76.4% | flaky | ❌ |');
  });
});
