import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../fixtures/shop/spawn-shop.ts';
import type { RunResults } from '../harness/verdict/results.ts';
import { drillbitInProcess } from './cli-in-process.ts';
import { validateJunit, xpath } from './xml-tools.ts';

const root = mkdtempSync(join(tmpdir(), 'drillbit-cli-gate-'));
const CRASH = 'crash-on-boot candidate never takes traffic';

describe('drillbit run --repeat, then drillbit gate on its output', () => {
  // The drill judges p95 latency against 250 ms, so on a loaded machine an attempt can fail for real:
  // the expectations follow the attempts' verdicts (3 of 3 passing is the usual case).
  it('3 attempts: stats in results.json; 3 passes meet 0.9 on the observed rate but not on the 95% lower bound (0.44)', async () => {
    const output = join(root, 'repeat-3');
    const metricsPort = await freePort();
    const args = ['run', 'scenarios/crash-on-boot-never-serves.drill.ts', '--repeat', '3', '--seed', '5', '--reporter', 'json,junit', '--metrics-port', String(metricsPort), '--output', output];
    const run = await drillbitInProcess([...args, '--min-pass-rate', '0.9', '--gate-on', 'lower-bound']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    const results = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')) as RunResults;
    const passed = results.scenarios.filter((s) => s.status === 'passed').length;
    const expected = { 0: ['0.0%', 0], 1: ['33.3%', 0.0615], 2: ['66.7%', 0.2077], 3: ['100.0%', 0.4385] }[passed] as [string, number];
    expect(results.scenarios.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(results.scenarioStats).toEqual([{ name: CRASH, file: 'scenarios/crash-on-boot-never-serves.drill.ts', attempts: 3, passed, failed: 3 - passed, errored: 0, aborted: 0, passRate: Math.round((passed / 3) * 1e4) / 1e4, wilsonLower: expected[1], flaky: passed === 1 || passed === 2 }]);
    expect(run.stdout).toMatch(new RegExp(`${CRASH}\\s+3\\s+${passed}\\s+${expected[0].replace('.', '\\.')}\\s+${(expected[1] * 100).toFixed(1).replace('.', '\\.')}%\\s+(flaky\\s+)?below`));
    expect(existsSync(join(output, 'metrics.prom'))).toBe(true); // --metrics-port brings the prom reporter along
    expect(validateJunit(join(output, 'junit.xml')).ok).toBe(true);
    expect(xpath(join(output, 'junit.xml'), 'string(//testsuite[3]/@name)')).toBe(`${CRASH} #3`);

    const lower = await drillbitInProcess(['gate', output, '--min-pass-rate', '0.9']);
    expect(lower.code, lower.stdout).toBe(1);
    const observed = await drillbitInProcess(['gate', output, '--min-pass-rate', '0.9', '--on', 'observed']);
    expect(observed.code, observed.stdout).toBe(passed === 3 ? 0 : 1);
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
