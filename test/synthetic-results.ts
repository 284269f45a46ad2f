import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../harness/checks/check-result.ts';
import { summarizeRun, type RunResults, type ScenarioResult, type ScenarioStatus } from '../harness/verdict/results.ts';

/** A results.json-shaped scenario attempt, for tests of what reads results (gate, merge, reporters). */
export function syntheticScenario(fields: Partial<ScenarioResult> & { name: string; status: ScenarioStatus }): ScenarioResult {
  const checks: CheckResult[] = fields.checks ?? [{ name: 'LKG state at end of drill', status: fields.status === 'passed' ? 'passed' : 'failed', message: fields.status === 'passed' ? 'every service runs its LKG' : 'shop runs sha256:bad, not the LKG', tMs: 1200 }];
  return {
    file: 'scenarios/synthetic.drill.ts',
    attempt: 1,
    seed: 7,
    reasons: checks.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`),
    startedAt: '2026-11-26T04:30:45.123Z',
    durationMs: 4680,
    recovery: { ttdMs: 75, ttrMs: 5, rtoMs: 15_000, withinSlo: true },
    lkg: {},
    slis: { availability: 0.98, p50Ms: 3, p95Ms: 10, p99Ms: 20, maxMs: 40, requests: 438, errors: 8, dropped: 0 },
    data: { acked: 95, lost: 0, lostIds: [], unexpected: 0, recovered: 0, indeterminate: 0 },
    timeline: [{ tMs: 0, type: 'run-start' }],
    faults: [],
    faultPlan: [],
    series: [],
    teardownFailures: [],
    workDir: '/tmp/synthetic',
    ...fields,
    checks,
  };
}

export function syntheticRun(scenarios: ScenarioResult[], fields: Partial<RunResults> = {}): RunResults {
  return {
    runId: 'synthetic-run',
    startedAt: '2026-11-26T04:30:45.000Z',
    finishedAt: '2026-11-26T04:31:45.000Z',
    driver: 'local',
    seed: 42,
    drillbitVersion: '0.1.0',
    aborted: false,
    summary: summarizeRun(scenarios),
    scenarios,
    ...fields,
  };
}

/** `passed` passing and `total - passed` failing attempts of one scenario. */
export function attemptsOf(name: string, passed: number, total: number): ScenarioResult[] {
  return Array.from({ length: total }, (_, i) => syntheticScenario({ name, attempt: i + 1, status: i < passed ? 'passed' : 'failed' }));
}

export function writeResultsDir(dir: string, run: RunResults, extra: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), JSON.stringify(run, null, 2));
  for (const [file, content] of Object.entries(extra)) writeFileSync(join(dir, file), content);
  return dir;
}
