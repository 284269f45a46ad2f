import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../fixtures/shop/spawn-shop.ts';
import type { RunResults } from '../harness/verdict/results.ts';
import { drillbitInProcess } from './cli-in-process.ts';
import { attemptsOf, syntheticRun, writeResultsDir } from './synthetic-results.ts';
import { validateJunit, xpath } from './xml-tools.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-cli-gate-'));
const ALWAYS_PASSES = 'a drill that always passes';
const PASSING_FILE = 'test/drills/always-passes.drill.ts';
/** Always fails: a good candidate gives the guard nothing to roll back (checks-can-fail.test.ts). */
const FAILING_FILE = 'test/drills/good-candidate-never-rolled-back.drill.ts';

describe('drillbit run --repeat, then drillbit gate on its output', () => {
  // The pass counts are fixed by the drills, not read back from the run: 3 of 3 for the one
  // that always passes, 0 of 2 for the one that always fails. So each exit code below is
  // known in advance, and a gate that always said 1 (or 0) fails here.
  it('3 of 3 passing: stats in results.json; met at 0.4 on the 95% lower bound (0.4385) and at 0.9 observed, not at 0.9 on the lower bound', async () => {
    const output = join(root, 'repeat-3');
    const metricsPort = await freePort();
    const args = ['run', PASSING_FILE, '--repeat', '3', '--parallel', '3', '--seed', '5', '--reporter', 'json,junit', '--metrics-port', String(metricsPort), '--output', output];
    const run = await drillbitInProcess([...args, '--min-pass-rate', '0.9', '--gate-on', 'lower-bound']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    const results = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')) as RunResults;
    expect(results.scenarios.map((s) => [s.attempt, s.status, s.reasons])).toEqual([[1, 'passed', []], [2, 'passed', []], [3, 'passed', []]]);
    expect(results.scenarioStats).toEqual([{ name: ALWAYS_PASSES, file: PASSING_FILE, attempts: 3, passed: 3, failed: 0, errored: 0, aborted: 0, passRate: 1, wilsonLower: 0.4385, flaky: false }]);
    expect(run.stdout).toMatch(new RegExp(`${ALWAYS_PASSES}\\s+3\\s+3\\s+100\\.0%\\s+43\\.9%\\s+below`));
    expect(existsSync(join(output, 'metrics.prom'))).toBe(true); // --metrics-port brings the prom reporter along
    expect(validateJunit(join(output, 'junit.xml')).ok).toBe(true);
    expect(xpath(join(output, 'junit.xml'), 'string(//testsuite[3]/@name)')).toBe(`${ALWAYS_PASSES} #3`);

    // The same 3 of 3, gated afterwards: on the lower bound 0.4385 meets 0.4 but not 0.9; the observed 100% meets 0.9.
    const gate = async (...extra: string[]) => (await drillbitInProcess(['gate', output, ...extra])).code;
    expect(await gate('--min-pass-rate', '0.9')).toBe(1);
    expect(await gate('--min-pass-rate', '0.4')).toBe(0);
    expect(await gate('--min-pass-rate', '0.9', '--on', 'observed')).toBe(0);
    expect(await gate('--min-pass-rate', '1', '--on', 'observed')).toBe(0);

    // The run's own gate meets a minimum the same attempts reach: exit 0.
    const met = await drillbitInProcess(['run', PASSING_FILE, '--repeat', '3', '--parallel', '3', '--seed', '5', '--output', join(root, 'repeat-3-met'), '--min-pass-rate', '0.4', '--gate-on', 'lower-bound']);
    expect(met.code, `${met.stdout}\n${met.stderr}`).toBe(0);
  });

  it('0 of 2 passing: the run exits 1 and no minimum above 0 is met, alone or next to the passing drill', async () => {
    const failing = join(root, 'failing-2');
    const run = await drillbitInProcess(['run', FAILING_FILE, '--repeat', '2', '--parallel', '2', '--seed', '5', '--reporter', 'json', '--output', failing, '--min-pass-rate', '0.01', '--gate-on', 'observed']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    const results = JSON.parse(readFileSync(join(failing, 'results.json'), 'utf8')) as RunResults;
    expect(results.scenarios.map((s) => s.status)).toEqual(['failed', 'failed']);
    expect(results.scenarioStats?.[0]).toMatchObject({ attempts: 2, passed: 0, failed: 2, passRate: 0, wilsonLower: 0 });
    expect((await drillbitInProcess(['gate', failing, '--min-pass-rate', '0.01', '--on', 'observed'])).code).toBe(1);
    expect((await drillbitInProcess(['gate', failing, '--min-pass-rate', '0', '--on', 'observed'])).code).toBe(0);
    // Next to 3 passing attempts of another scenario: met for that one, not for this one, so not met.
    const passing = writeResultsDir(join(root, 'synthetic-3-of-3'), syntheticRun(attemptsOf('three of three', 3, 3)));
    const both = await drillbitInProcess(['gate', passing, failing, '--min-pass-rate', '0.9', '--on', 'observed']);
    expect(both.code, both.stdout).toBe(1);
    expect(both.stdout).toMatch(/three of three\s+3\s+3\s+100\.0%.*\bok\b/);
  });

  it('known counts from synthetic results: 2 of 3 meets 0.6 observed, not 0.7; 10 of 10 meets 0.7 on the lower bound (0.7225), not 0.8', async () => {
    const twoOfThree = writeResultsDir(join(root, 'synthetic-2-of-3'), syntheticRun(attemptsOf('two of three', 2, 3)));
    const tenOfTen = writeResultsDir(join(root, 'synthetic-10-of-10'), syntheticRun(attemptsOf('ten of ten', 10, 10)));
    const gate = async (dir: string, ...extra: string[]) => (await drillbitInProcess(['gate', dir, ...extra])).code;
    expect(await gate(twoOfThree, '--min-pass-rate', '0.6', '--on', 'observed')).toBe(0);
    expect(await gate(twoOfThree, '--min-pass-rate', '0.7', '--on', 'observed')).toBe(1);
    expect(await gate(tenOfTen, '--min-pass-rate', '0.7')).toBe(0);
    expect(await gate(tenOfTen, '--min-pass-rate', '0.8')).toBe(1);
  });
});

describe('--shard i/n through the CLI', () => {
  const plan = async (files: string[], shard: string) => {
    const result = await drillbitInProcess(['run', ...files, '--shard', shard, '--dry-run', '--seed', '1']);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.split('\n').filter((l) => /\.drill\.(ts|yaml)\)$/.test(l)).map((l) => l.trim());
  };
  const files = ['scenarios/planned-rollback-v2-to-v1.drill.ts', 'scenarios/bad-release-rolled-back.drill.ts', 'scenarios/lying-health-caught-by-traffic.drill.yaml', 'scenarios/crash-on-boot-never-serves.drill.ts'];

  it('gives each shard the same scenarios whatever order the files are listed in', async () => {
    const first = await plan(files, '1/2');
    expect(await plan([...files].reverse(), '1/2')).toEqual(first);
    const second = await plan(files, '2/2');
    expect([...first, ...second].length).toBe(4);
    expect(first).toEqual(['bad release is rolled back by the guard  (scenarios/bad-release-rolled-back.drill.ts)', 'lying health check is caught by traffic  (scenarios/lying-health-caught-by-traffic.drill.yaml)']);
  });
});

describe('reporter flags', () => {
  it('a bad --pushgateway, --metrics-port or --gate-on exits 2 naming the flag, starting nothing', async () => {
    for (const [args, pattern] of [
      [['--pushgateway', 'not a url'], /--pushgateway expects an http:\/\/ or https:\/\/ URL/],
      [['--pushgateway', 'ftp://127.0.0.1:9091'], /--pushgateway expects an http:\/\/ or https:\/\/ URL/],
      [['--metrics-port', '0'], /--metrics-port expects a TCP port from 1 to 65535, got "0"/],
      [['--metrics-port', '65536'], /--metrics-port expects a TCP port/],
      [['--metrics-port', '90ab'], /--metrics-port expects a TCP port/],
      [['--gate-on', 'sometimes'], /--gate-on expects one of lower-bound, observed/],
    ] as const) {
      const stateDir = join(root, 'state-flags');
      const result = await drillbitInProcess(['run', 'scenarios', ...args], { stateDir });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(pattern);
      expect(existsSync(join(stateDir, 'runs'))).toBe(false);
    }
  });
});
