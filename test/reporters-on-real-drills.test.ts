import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../fixtures/shop/spawn-shop.ts';
import { JsonReporter } from '../harness/report/json-reporter.ts';
import { JunitReporter } from '../harness/report/junit-reporter.ts';
import { PrometheusReporter } from '../harness/report/prometheus-reporter.ts';
import { ReporterMultiplexer } from '../harness/report/reporter-multiplexer.ts';
import type { Reporter } from '../harness/report/reporter.ts';
import { silentLogger } from '../harness/runner/logger.ts';
import type { RunResults, ScenarioResult } from '../harness/verdict/results.ts';
import { runDrillFiles } from './drill-harness.ts';
import { promtoolCheckMetrics } from './prom-tools.ts';
import { validateJunit, xpath } from './xml-tools.ts';

const PASSING = 'bad release is rolled back by the guard';
const FAILING = 'rollback to the wrong release';
const UNKNOWN = 'guard with no traffic';

const outputDir = mkdtempSync(join(tmpdir(), 'drillbit-reporters-'));
let gateway: ChildProcess | undefined;
let gatewayUrl = '';
let metricsUrl = '';
let run: RunResults;
let reporterFailures: unknown[] = [];
let scrapeAfterRun: string;
const midRun: { scenario: string; during?: Promise<string>; after?: string }[] = [];

/** Reads live metrics while drills run: once as each attempt starts (it is running) and once as it ends. */
const probe: Reporter = {
  version: 1,
  onScenarioBegin(attempt) {
    midRun.push({ scenario: attempt.name, during: fetch(metricsUrl).then((r) => r.text()) });
  },
  async onScenarioEnd(result: ScenarioResult) {
    midRun.find((m) => m.scenario === result.name)!.after = await (await fetch(metricsUrl)).text();
  },
};

async function startPushgateway(): Promise<void> {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  gateway = spawn('prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) => gateway!.once('error', (e) => reject(new Error(`prometheus-pushgateway is needed (apt-get install prometheus-pushgateway): ${e.message}`))));
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${gatewayUrl}/-/ready`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('prometheus-pushgateway did not get ready in 10 s');
  })();
  await Promise.race([ready, exited]);
}

beforeAll(async () => {
  await startPushgateway();
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const reporter = new ReporterMultiplexer(
    [
      { name: 'prom', reporter: new PrometheusReporter({ outputDir, pushgateway: gatewayUrl, metricsPort }) },
      { name: 'junit', reporter: new JunitReporter(outputDir) },
      { name: 'json', reporter: new JsonReporter(outputDir) },
      { name: 'probe', reporter: probe },
    ],
    silentLogger,
  );
  run = await runDrillFiles(['scenarios/bad-release-rolled-back.drill.ts', 'test/drills/wrong-release-rollback.drill.ts', 'test/drills/guard-without-traffic.drill.ts'], { reporter, parallel: 1 });
  reporterFailures = reporter.failures;
  scrapeAfterRun = await fetch(metricsUrl).then(() => 'still serving', (e: Error) => `closed: ${e.message}`);
}, 120_000);

afterAll(() => {
  gateway?.kill('SIGTERM');
});

const scenario = (name: string) => run.scenarios.find((s) => s.name === name)!;
const notPassed = (s: ScenarioResult) => s.checks.filter((c) => c.status !== 'passed');

describe('reporters on real drills (one passing, two failing for known reasons)', () => {
  it('ran the drills with the expected verdicts and no reporter failure', () => {
    expect(run.scenarios.map((s) => [s.name, s.status])).toEqual([
      [PASSING, 'passed'],
      [FAILING, 'failed'],
      [UNKNOWN, 'failed'],
    ]);
    expect(reporterFailures).toEqual([]);
  });

  it('junit.xml is valid against the JUnit schema and mirrors every verdict, never inverted', () => {
    const file = join(outputDir, 'junit.xml');
    const validation = validateJunit(file);
    expect(validation.ok, validation.output).toBe(true);
    const suite = (name: string) => `//testsuite[@name="${name}"]`;
    expect(xpath(file, `string(${suite(PASSING)}/@failures)`)).toBe('0');
    expect(xpath(file, `string(${suite(PASSING)}/@tests)`)).toBe(String(scenario(PASSING).checks.length));
    expect(xpath(file, `count(${suite(PASSING)}//failure)`)).toBe('0');
    for (const name of [FAILING, UNKNOWN]) {
      expect(xpath(file, `string(${suite(name)}/@failures)`)).toBe(String(notPassed(scenario(name)).length));
      expect(xpath(file, `string(${suite(name)}/@errors)`)).toBe('0');
    }
    expect(xpath(file, `string(${suite(FAILING)}/testcase[@name="LKG state restored"]/failure/@type)`)).toBe('failed');
    expect(xpath(file, `string(${suite(FAILING)}/testcase[@name="LKG state restored"]/failure/@message)`)).toMatch(/not the LKG/);
    expect(xpath(file, `count(${suite(UNKNOWN)}//failure[@type="unknown"])`)).toBe('3');
    expect(xpath(file, `string(${suite(UNKNOWN)}/testcase[@name="guard analysis had data"]/failure/@message)`)).toMatch(/^no data: /);
    expect(xpath(file, `string(${suite(PASSING)}/@time)`)).toBe((scenario(PASSING).durationMs / 1000).toFixed(3));
    expect(xpath(file, `string(${suite(PASSING)}//property[@name="seed"]/@value)`)).toBe(String(scenario(PASSING).seed));
    expect(xpath(file, `string(${suite(PASSING)}/testcase[1]/@classname)`)).toBe('scenarios/bad-release-rolled-back.drill.ts');
  });

  it('metrics.prom passes promtool and counts what happened', () => {
    const text = readFileSync(join(outputDir, 'metrics.prom'), 'utf8');
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
    expect(text).toContain(`drillbit_drill_runs_total{scenario="${PASSING}",status="passed"} 1`);
    expect(text).toContain(`drillbit_drill_runs_total{scenario="${FAILING}",status="failed"} 1`);
    expect(text).toContain(`drillbit_checks_total{scenario="${UNKNOWN}",check="guard analysis had data",status="unknown"} 1`);
    expect(text).toContain(`drillbit_recovery_seconds_count{scenario="${PASSING}"} 1`);
    expect(text).toContain(`drillbit_detection_seconds_count{scenario="${PASSING}"} 1`);
    expect(text).toMatch(new RegExp(`drillbit_acked_writes_total\\{scenario="${PASSING}"\\} ${scenario(PASSING).data.acked}\\n`));
    expect(text).toContain(`drillbit_acked_writes_lost_total{scenario="${PASSING}"} 0`);
    expect(text).toMatch(new RegExp(`drillbit_availability_ratio\\{scenario="${PASSING}"\\} 0\\.9`));
    expect(text).not.toContain(`drillbit_availability_ratio{scenario="${UNKNOWN}"}`); // no request: no ratio, not 0 or 1
    expect(text).not.toContain(`drillbit_recovery_seconds_count{scenario="${FAILING}"}`); // never restored
  });

  it('--metrics-port served live metrics during the run, updated as each attempt ended, and stopped after', async () => {
    expect(midRun.map((m) => m.scenario)).toEqual([PASSING, FAILING, UNKNOWN]);
    const [first, second] = midRun;
    const during = await first!.during!;
    expect(during).toContain('drillbit_drills_in_progress 1');
    expect(during).not.toContain('drillbit_drill_runs_total{');
    expect(first!.after).toContain(`drillbit_drill_runs_total{scenario="${PASSING}",status="passed"} 1`);
    expect(first!.after).not.toContain(`scenario="${FAILING}"`);
    expect(await second!.during!).toContain(`drillbit_drill_runs_total{scenario="${PASSING}",status="passed"} 1`);
    expect(second!.after).toContain(`drillbit_drill_runs_total{scenario="${FAILING}",status="failed"} 1`);
    expect(scrapeAfterRun).toMatch(/^closed/);
  });

  it('--pushgateway pushed the run to a real Pushgateway (job drillbit, grouped by run_id)', async () => {
    const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
    const series = text.split('\n').filter((l) => l.startsWith('drillbit_drill_runs_total{'));
    const labelled = (status: string, name: string) => series.find((l) => l.includes(`job="drillbit"`) && l.includes(`run_id="${run.runId}"`) && l.includes(`scenario="${name}"`) && l.includes(`status="${status}"`));
    expect(labelled('passed', PASSING), series.join('\n')).toMatch(/ 1$/);
    expect(labelled('failed', UNKNOWN)).toMatch(/ 1$/);
    expect(text).toMatch(new RegExp(`push_time_seconds\\{[^}]*run_id="${run.runId}"`));
  });
});
