import { describe, expect, it } from 'vitest';
import { syntheticRun, syntheticScenario } from '../../test/synthetic-results.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { ScenarioResult } from '../verdict/results.ts';
import { useColour } from '../cli/colour.ts';
import { ListReporter, type ListReporterOptions } from './list-reporter.ts';
import type { AttemptIdentity, RunBegin } from './reporter.ts';

const ESC = '\x1b';
const GUARD: AttemptIdentity = { name: 'bad release is rolled back by the guard', file: 'scenarios/a.drill.ts', attempt: 1 };
const PARTITION: AttemptIdentity = { name: 'a partition heals', file: 'scenarios/b.drill.ts', attempt: 1 };

function console(options: Partial<ListReporterOptions> = {}) {
  let out = '';
  const reporter = new ListReporter({ write: (t) => void (out += t), tty: false, ...options });
  return { reporter, out: () => out };
}

function begin(attempts: AttemptIdentity[], parallel: number, skipped: RunBegin['skipped'] = []): RunBegin {
  return { runId: 'run-1', driver: 'local', seed: 7, attempts, skipped, parallel: { parallel, source: 'flag', cores: 2 } };
}

const deploy: TimelineEvent = { tMs: 505, type: 'deploy', service: 'shop', release: 'good', digest: 'sha256:f97c8ab6a2b3f833' };
const failedCheck: TimelineEvent = { tMs: 3330, type: 'check', status: 'failed', name: 'LKG state restored', message: 'shop runs sha256:d5e41d9e0a9b, not the LKG' };

const failedResult: ScenarioResult = syntheticScenario({
  ...GUARD,
  status: 'failed',
  slo: { recoveryTimeMs: 15_000, availability: 0.9, p95Ms: 250, dataLoss: 0, stabilizationMs: 1000 },
  recovery: { ttdMs: 239, ttrMs: null, rtoMs: 15_000, withinSlo: false },
  checks: [
    { name: 'steady state for 2.00s (step 2)', status: 'passed', message: '199 requests', observed: { requests: 199, errors: 0, availability: 1, p95Ms: 127, p99Ms: 181 } },
    { name: 'LKG state restored', status: 'failed', message: 'shop runs sha256:d5e41d9e0a9b, not the LKG' },
    { name: 'SLIs over the whole drill', status: 'unknown', message: 'no data: harness saturated', observed: { requests: 533, errors: 25, availability: 0.953, p95Ms: 152.6, p99Ms: 196 } },
    { name: 'no acknowledged write lost', status: 'passed', message: '91 all read back', observed: { acked: 91, lost: 0 } },
    { name: 'restored within RTO 15.0s', status: 'failed', message: 'never verified restored' },
  ],
});

describe('the list reporter (the console)', () => {
  it('one attempt at a time: its events indented under its start line, without its name on each', () => {
    const { reporter, out } = console();
    reporter.onBegin(begin([GUARD], 1));
    reporter.onScenarioBegin(GUARD);
    reporter.onEvent(GUARD, deploy);
    const lines = out().split('\n');
    expect(lines).toContain(`▸ ${GUARD.name} #1`);
    expect(lines).toContain('    505ms  deployed shop@good sha256:f97c8ab6a2b3');
    expect(lines.filter((l) => l.includes(GUARD.name))).toHaveLength(1);
  });

  it('attempts at once: each line tagged [n] (its place in the run), the name only on its start line', () => {
    const { reporter, out } = console();
    reporter.onBegin(begin([GUARD, PARTITION], 2));
    reporter.onScenarioBegin(GUARD);
    reporter.onScenarioBegin(PARTITION);
    reporter.onEvent(PARTITION, { ...deploy, tMs: 238 });
    reporter.onEvent(GUARD, deploy);
    const lines = out().split('\n');
    expect(lines).toContain(`▸ [1] ${GUARD.name} #1`);
    expect(lines).toContain(`▸ [2] ${PARTITION.name} #1`);
    expect(lines).toContain('  [2]   238ms  deployed shop@good sha256:f97c8ab6a2b3');
    expect(lines).toContain('  [1]   505ms  deployed shop@good sha256:f97c8ab6a2b3');
  });

  it('each reason once: a failing check is not an event line, its reason comes under the verdict', () => {
    const { reporter, out } = console();
    reporter.onBegin(begin([GUARD], 1));
    reporter.onScenarioBegin(GUARD);
    reporter.onEvent(GUARD, failedCheck);
    reporter.onScenarioEnd(failedResult);
    expect(out().split('LKG state restored: shop runs sha256:d5e41d9e0a9b, not the LKG')).toHaveLength(2);
    expect(out()).toMatch(/✘ bad release is rolled back by the guard #1 failed 4\.68s · ttd 239ms/);
  });

  it('at the end: each SLO target against what was measured, marked by the check that judged it; skipped scenarios with the reason; the count', () => {
    const { reporter, out } = console();
    const skipped = [{ name: 'compose stack', file: 'scenarios/c.drill.ts', reason: 'compose environments need --driver docker or swarm' }];
    reporter.onBegin(begin([GUARD], 1, skipped));
    reporter.onEnd(syntheticRun([failedResult], { skipped }));
    const text = out();
    expect(text).toContain('SLO targets\n  bad release is rolled back by the guard #1 failed\n');
    expect(text).toMatch(/^ {4}✓ steady state for 2\.00s \(step 2\) +availability ≥ 90\.00%, p95 ≤ 250ms +100\.00%, p95 127ms, 199 req$/m);
    expect(text).toMatch(/^ {4}\? SLIs over the whole drill +availability ≥ 90\.00%, p95 ≤ 250ms +95\.30%, p95 153ms, 533 req$/m);
    expect(text).toMatch(/^ {4}✓ no acknowledged write lost +≤ 0 lost +0 of 91 acked lost$/m);
    expect(text).toMatch(/^ {4}✗ restored within RTO 15\.0s +≤ 15\.0s +not restored$/m);
    expect(text, 'LKG equality is no SLO target').not.toMatch(/^ {4}. LKG state restored/m);
    expect(text).toContain('skipped on driver local:\n  - compose stack (scenarios/c.drill.ts): compose environments need --driver docker or swarm');
    expect(text).toContain('0 passed, 1 failed, 1 skipped (pass rate 0.0%)');
  });

  it('no colour codes unless asked: not a TTY, or NO_COLOR, gives plain text even with CI set', () => {
    expect(useColour(false, { CI: '1' })).toBe(false);
    expect(useColour(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColour(true, {})).toBe(true);
    expect(useColour(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColour(false, { FORCE_COLOR: '0' })).toBe(false);
    const plain = console({ colour: useColour(false, { CI: '1' }) });
    plain.reporter.onBegin(begin([GUARD], 1));
    plain.reporter.onScenarioBegin(GUARD);
    plain.reporter.onScenarioEnd(failedResult);
    plain.reporter.onEnd(syntheticRun([failedResult]));
    expect(plain.out()).not.toContain(ESC);
    const coloured = console({ colour: true });
    coloured.reporter.onScenarioEnd(failedResult);
    expect(coloured.out()).toContain(`${ESC}[31m`);
  });

  it('on a TTY: live counters for the running step (elapsed of its length, requests, errors), cut to the width, 120 when the terminal says 0', () => {
    const { reporter, out } = console({ tty: true, colour: false, columns: 0 });
    reporter.onBegin(begin([GUARD], 1));
    reporter.onScenarioBegin(GUARD);
    reporter.onProgress(GUARD, { tMs: 3000, step: 'steady state for 2s', stepStartedMs: 2000, stepBudgetMs: 2000, requests: 120, errors: 3 });
    const status = out().split('\r\x1b[2K').at(-1)!;
    expect(status).toBe(`${GUARD.name} #1: steady state for 2s · 1.0s/2.0s · 120 req · 3 errors`);

    const narrow = console({ tty: true, colour: false, columns: 40 });
    narrow.reporter.onBegin(begin([GUARD], 1));
    narrow.reporter.onScenarioBegin(GUARD);
    narrow.reporter.onProgress(GUARD, { tMs: 3000, step: 'steady state for 2s', stepStartedMs: 2000, stepBudgetMs: 2000, requests: 120, errors: 1 });
    const cut = narrow.out().split('\r\x1b[2K').at(-1)!;
    expect(cut).toHaveLength(39);
    expect(cut.endsWith('…')).toBe(true);

    const wide = console({ tty: true, colour: false, columns: 0 });
    wide.reporter.onBegin(begin([GUARD], 1));
    wide.reporter.onScenarioBegin({ ...GUARD, name: 'x'.repeat(200) });
    expect(wide.out().split('\r\x1b[2K').at(-1)!).toHaveLength(119);
  });

  it('not on a TTY: no status line, so a CI log holds only final lines', () => {
    const { reporter, out } = console({ tty: false });
    reporter.onBegin(begin([GUARD], 1));
    reporter.onScenarioBegin(GUARD);
    reporter.onProgress(GUARD, { tMs: 3000, requests: 120, errors: 3 });
    expect(out()).not.toContain('\r');
    expect(out()).not.toContain('120 req');
  });
});
