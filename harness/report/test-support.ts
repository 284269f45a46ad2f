import type { RunResults, ScenarioResult } from '../verdict/results.ts';

export const HOSTILE = '<img src=x onerror=alert(1)>';
export const HOSTILE_SCRIPT = '</script><script>alert(2)</script><!-- x';

/** A synthetic run for renderer and loader tests: one failed attempt with hostile strings everywhere, one passed. */
export function sampleRun(overrides: Partial<RunResults> = {}): RunResults {
  const scenarios = [failedScenario(), passedScenario()];
  return {
    runId: 'run-1',
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:15.000Z',
    driver: 'local',
    seed: 42,
    drillbitVersion: '0.1.0',
    aborted: false,
    summary: { total: 2, passed: 1, failed: 1, errored: 0, aborted: 0, passRate: 0.5 },
    scenarios,
    ...overrides,
  };
}

function base(name: string): ScenarioResult {
  return {
    name,
    file: 'scenarios/x.drill.ts',
    attempt: 1,
    seed: 7,
    status: 'passed',
    reasons: [],
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 4000,
    recovery: { ttdMs: 120, ttrMs: 30, rtoMs: 5000, withinSlo: true, detection: 'guard', firstBadMs: 2000, detectedMs: 2120, restoredMs: 2150 },
    slo: { recoveryTimeMs: 5000, availability: 0.95, p95Ms: 250, dataLoss: 0, stabilizationMs: 1000 },
    lkg: { shop: { expected: `sha256:${'a'.repeat(64)}`, observed: `sha256:${'a'.repeat(64)}`, match: true } },
    slis: { availability: 0.99, p50Ms: 2, p95Ms: 9, p99Ms: 30, maxMs: 60, requests: 400, errors: 4, dropped: 0 },
    data: { attempted: 80, acked: 80, failed: 0, indeterminate: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, readBack: true },
    checks: [{ name: 'SLIs over the whole drill', status: 'passed', message: '400 requests, availability 99.00%', tMs: 3900 }],
    timeline: [
      { tMs: 100, type: 'deploy', service: 'shop', release: 'good' },
      { tMs: 2000, type: 'deploy', service: 'shop', release: 'bad' },
      { tMs: 2120, type: 'guard', service: 'shop', message: 'error rate 40%' },
      { tMs: 2121, type: 'rollback-start', service: 'shop', release: 'good' },
      { tMs: 2130, type: 'rollback', service: 'shop', release: 'good' },
      { tMs: 3900, type: 'restored', atMs: 2150 },
    ],
    faults: [],
    faultPlan: [],
    series: [0, 1000, 2000, 3000].map((tMs) => ({ tMs, requests: 100, errors: tMs === 2000 ? 4 : 0, p50Ms: 2, p95Ms: 9, p99Ms: tMs === 2000 ? 30 : 12 })),
    teardownFailures: [],
    workDir: '/tmp/x',
  };
}

function passedScenario(): ScenarioResult {
  return base('bad release is rolled back');
}

function failedScenario(): ScenarioResult {
  const s = base(HOSTILE);
  return {
    ...s,
    status: 'failed',
    reasons: [`${HOSTILE_SCRIPT}: ${HOSTILE}`],
    lkg: { shop: { expected: `sha256:${'a'.repeat(64)}`, observed: `sha256:${'b'.repeat(64)}`, match: false, reason: HOSTILE } },
    checks: [
      { name: 'steady state', status: 'passed', message: 'fine', tMs: 1000 },
      { name: 'guard analysis had data', status: 'unknown', message: 'no data: never enough samples', tMs: 3000 },
      { name: HOSTILE_SCRIPT, status: 'failed', message: HOSTILE, tMs: 3900 },
    ],
    timeline: [...s.timeline, { tMs: 2500, type: 'fault', faultId: 'f1', fault: 'kill', target: HOSTILE }],
    faults: [{ id: 'f1', fault: 'kill', target: HOSTILE, status: 'revert-failed', injectedAtMs: 2500, error: HOSTILE_SCRIPT, injections: [] }],
    error: { message: HOSTILE, hint: HOSTILE_SCRIPT },
  };
}

/** Journal lines as JournalWriter writes them, for a run killed during its second attempt. */
export function sampleJournal(): string[] {
  const a = { scenario: 'first', attempt: 1 };
  const b = { scenario: 'second', attempt: 1 };
  return [
    { type: 'run-begin', runId: 'run-j', driver: 'local', seed: 9, at: '2026-01-02T03:04:05.000Z', attempts: [{ name: 'first', file: 'a.drill.ts', attempt: 1 }, { name: 'second', file: 'b.drill.ts', attempt: 1 }, { name: 'third', file: 'c.drill.ts', attempt: 1 }] },
    { type: 'scenario-begin', scenario: 'first', file: 'a.drill.ts', attempt: 1, at: '2026-01-02T03:04:05.100Z' },
    { ...a, tMs: 0.5, type: 'run-start', seed: 11 },
    { ...a, tMs: 100, type: 'deploy', service: 'shop', release: 'v1' },
    { ...a, tMs: 900, type: 'check', name: 'steady state', status: 'passed', message: 'ok' },
    { ...a, tMs: 1000, type: 'run-end' },
    { type: 'scenario-end', scenario: 'first', attempt: 1, status: 'passed', reasons: [] },
    { type: 'scenario-begin', scenario: 'second', file: 'b.drill.ts', attempt: 1, at: '2026-01-02T03:04:06.200Z' },
    { ...b, tMs: 1, type: 'run-start', seed: 12 },
    { ...b, tMs: 150, type: 'deploy', service: 'shop', release: 'v1' },
    { ...b, tMs: 1200, type: 'deploy', service: 'shop', release: 'bad' },
    { ...b, tMs: 1400, type: 'guard', service: 'shop', message: 'error rate 50%' },
    { ...b, tMs: 1401, type: 'rollback-start', service: 'shop', release: 'v1', planned: false },
    { ...b, tMs: 1410, type: 'rollback', service: 'shop', release: 'v1' },
    { ...b, tMs: 1500, type: 'check', name: 'rolled back within 5s', status: 'failed', message: 'too slow' },
    { ...b, tMs: 2500, type: 'restored', atMs: 1450 },
  ].map((r) => JSON.stringify(r));
}
