import { describe, expect, it } from 'vitest';
import { DrillbitError } from '../errors.ts';
import { Timeline } from '../runner/timeline.ts';
import type { Drill } from '../runner/drill.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { Sample } from '../traffic/sample.ts';
import { failed, harnessSaturated, passed, unknown, type CheckResult } from '../checks/check-result.ts';
import { buildScenarioResult } from './scenario-result-builder.ts';
import { summarizeRun, type ScenarioResult } from './results.ts';

const slo = { recoveryTime: '5s', availability: 0.99, p95: '250ms', p99: '1s', dataLoss: 0, stabilization: '2s' };
const loaded = { file: '/abs/a.drill.ts', displayFile: 'a.drill.ts', index: 0 } as LoadedScenario;

function sample(sentMs: number, latencyMs: number, ok = true): Sample {
  return { kind: 'read', intendedMs: sentMs, sentMs, doneMs: sentMs + latencyMs, latencyMs, status: ok ? 200 : 500, ok };
}

/** A drill as the runner leaves it: only what the result builder reads. */
function drill(fields: { checks?: CheckResult[]; samples?: Sample[]; timeline?: Timeline; [key: string]: unknown } = {}): Drill {
  const { checks = [], samples = [], timeline = new Timeline(), ...rest } = fields;
  return {
    ctx: { scenario: { name: 'bad candidate rolled back', slo, traffic: undefined }, attempt: 2, seed: 42, timeline, workDir: '/tmp/work' },
    checks,
    samples,
    finalLkg: {},
    faultPlan: [],
    data: undefined,
    recovery: undefined,
    faults: undefined,
    health: undefined,
    traffic: undefined,
    ...rest,
  } as unknown as Drill;
}

const build = (d: Drill, fields: { error?: unknown; aborted?: boolean; teardownFailures?: { name: string; error: string }[]; loaded?: LoadedScenario } = {}) =>
  buildScenarioResult({ drill: d, loaded: fields.loaded ?? loaded, error: fields.error, aborted: fields.aborted ?? false, teardownFailures: fields.teardownFailures ?? [] });

const ok = passed('lkg', 'every service runs its LKG');
const bad = failed('no acknowledged write lost', '2 of 10 acknowledged writes are gone');
const blind = unknown('guard analysis had data', 'the guard never watched a rollout');

describe('buildScenarioResult: the verdict', () => {
  it('passes only when every check passed', () => {
    expect(build(drill({ checks: [ok, ok] }))).toMatchObject({ status: 'passed', reasons: [] });
  });

  it('fails on a failed check or an unknown one, failing checks first in the reasons', () => {
    expect(build(drill({ checks: [blind, ok, bad] }))).toMatchObject({
      status: 'failed',
      reasons: ['no acknowledged write lost: 2 of 10 acknowledged writes are gone', 'guard analysis had data: no data: the guard never watched a rollout'],
    });
    expect(build(drill({ checks: [ok, blind] })).status).toBe('failed');
  });

  it('fails a drill where no check ran: nothing was verified', () => {
    expect(build(drill())).toMatchObject({ status: 'failed', reasons: ['no check ran, so nothing was verified'] });
  });

  it('is errored on an error or a failed cleanup, whatever the checks say, and says what happened', () => {
    const error = new DrillbitError('bad-input', 'the release v3 does not exist', { hint: 'releases: v1, v2' });
    const errored = build(drill({ checks: [ok] }), { error });
    expect(errored).toMatchObject({ status: 'errored', reasons: ['error: the release v3 does not exist'], error: { message: 'the release v3 does not exist', hint: 'releases: v1, v2' } });
    expect(build(drill({ checks: [ok] }), { error: new DrillbitError('bad-input', 'no hint') }).error).toEqual({ message: 'no hint' });
    expect(build(drill(), { error: new Error('boom') })).toMatchObject({ status: 'errored', reasons: ['error: boom'], error: { message: 'boom' } });
    expect(build(drill(), { error: 'thrown as a string' }).error).toEqual({ message: 'thrown as a string' });
    const teardownFailures = [{ name: 'replica shop-0', error: 'kill timed out' }];
    expect(build(drill({ checks: [ok, bad] }), { teardownFailures })).toMatchObject({
      status: 'errored', teardownFailures, reasons: ['cleanup replica shop-0 failed: kill timed out', 'no acknowledged write lost: 2 of 10 acknowledged writes are gone'],
    });
    expect(build(drill({ checks: [ok] }))).not.toHaveProperty('error');
  });

  it('is aborted when interrupted, even with an error, which it does not repeat', () => {
    expect(build(drill({ checks: [ok] }), { aborted: true, error: new Error('interrupted') })).toMatchObject({ status: 'aborted', reasons: ['the drill was interrupted before it finished'] });
    expect(build(drill(), { aborted: true }).reasons).toEqual(['the drill was interrupted before it finished']);
  });
});

describe('buildScenarioResult: the record', () => {
  it('names the attempt, its seed, its SLO targets and what the drill left', () => {
    const timeline = new Timeline();
    const finalLkg = { shop: { expected: 'sha256:a', observed: 'sha256:a', match: true } };
    const data = { attempted: 3, acked: 3, failed: 0, indeterminate: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, readBack: true };
    const records = [{ id: 'f1', fault: 'kill', target: 'shop', status: 'reverted', injections: [] }];
    const faultPlan = [{ id: 'f1', fault: 'kill' }];
    const result = build(drill({ checks: [ok], timeline, finalLkg, data, faults: { records }, faultPlan }), { loaded: { ...loaded, driverOverrides: ['slo.availability: 0.99 → 0.9'], externalTargets: [{ name: 'db' }] } as unknown as LoadedScenario });
    expect(result).toMatchObject({
      name: 'bad candidate rolled back', file: 'a.drill.ts', attempt: 2, seed: 42, startedAt: timeline.startedAt.toISOString(), workDir: '/tmp/work',
      slo: { recoveryTimeMs: 5000, availability: 0.99, p95Ms: 250, p99Ms: 1000, dataLoss: 0, stabilizationMs: 2000 },
      lkg: finalLkg, data, faults: records, faultPlan, checks: [ok], timeline: timeline.events,
      driverOverrides: ['slo.availability: 0.99 → 0.9'], external: [{ name: 'db' }],
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(result.durationMs)).toBe(true);
  });

  it('leaves out what did not happen: no writes, no faults, no overrides, no percentiles the SLO does not set', () => {
    const result = build(drill({ ctx: { scenario: { name: 's', slo: { recoveryTime: '1s', availability: 0.9, dataLoss: 1, stabilization: '1s' } }, attempt: 1, seed: 1, timeline: new Timeline(), workDir: 'w' } }), { loaded: { ...loaded, driverOverrides: [], externalTargets: [] } });
    expect(result.data).toEqual({ acked: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, indeterminate: 0 });
    expect(result.faults).toEqual([]);
    expect(result.slo).toEqual({ recoveryTimeMs: 1000, availability: 0.9, dataLoss: 1, stabilizationMs: 1000 });
    expect(result).not.toHaveProperty('driverOverrides');
    expect(result).not.toHaveProperty('external');
  });

  it('takes the recovery the drill measured, else computes it from the timeline with the SLO\'s RTO', () => {
    const measured = { ttdMs: 1, ttrMs: 2, rtoMs: 5000, withinSlo: true };
    expect(build(drill({ recovery: measured })).recovery).toBe(measured);
    const timeline = new Timeline();
    timeline.events.push({ tMs: 100, type: 'rollback-start', service: 'shop', planned: true }, { tMs: 900, type: 'restored', atMs: 600 });
    expect(build(drill({ timeline })).recovery).toMatchObject({ ttrMs: 500, rtoMs: 5000, withinSlo: true, detection: 'planned-rollback' });
  });

  it('summarizes the whole drill\'s traffic, per second too, and the harness\'s health', () => {
    const samples = [sample(100, 10), sample(200, 20), sample(300, 30, false), sample(1100, 40)];
    const health = { drillsAtOnce: 3, lagPeriodMs: 10, stallBetween: () => 0, machineSaturatedBetween: () => false, window: () => ({ eventLoopDelayP99Ms: 12.3456, eventLoopDelayMaxMs: 20, stallMs: 0, cpu: { processMs: 81.5, machineBusy: 0.25, pressure: undefined, waiting: 0.01, waitPerWakeMs: 0.2 } }) };
    const checks = [ok, harnessSaturated('steady', 'late')];
    const result = build(drill({ samples, health, checks, traffic: { counters: { dropped: 4 }, drops: { between: () => 2 } } }));
    expect(result.slis).toMatchObject({ requests: 4, errors: 1, availability: 0.75, dropped: 4 });
    expect(result.slis.p50Ms).toBeGreaterThan(15);
    expect(result.slis.maxMs).toBeGreaterThan(35);
    expect(result.slis.p99Ms).toBeGreaterThanOrEqual(result.slis.p95Ms!);
    expect(result.series.map((p) => [p.tMs, p.requests, p.errors])).toEqual([[0, 3, 1], [1000, 1, 0]]);
    expect(result.series[1]!.p50Ms).toBeGreaterThan(35);
    expect(result.harness).toEqual({
      eventLoopDelayP99Ms: 12.346, eventLoopDelayMaxMs: 20, stallMs: 0, sendLagP99Ms: 0, sendLagMaxMs: 0, latenessP99Ms: 0,
      dropped: 2, explainedFailures: 0, unmeasured: 0,
      cpuMs: 81.5, machineCpu: 0.25, machineCpuPressure: null, cpuWaiting: 0.01, cpuWaitPerWakeMs: 0.2,
      drillsAtOnce: 3, lagPeriodMs: 10, saturatedChecks: ['steady'],
    });
  });

  it('has no CPU numbers from a health monitor that could not read the CPU', () => {
    const health = { drillsAtOnce: 1, lagPeriodMs: 10, stallBetween: () => 0, machineSaturatedBetween: () => false, window: () => ({ eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2, stallMs: 0, cpu: undefined }) };
    expect(build(drill({ health })).harness).toMatchObject({ eventLoopDelayP99Ms: 1, cpuMs: null, machineCpu: null, machineCpuPressure: null, cpuWaiting: null, cpuWaitPerWakeMs: null });
  });

  it('has no numbers, only nulls and zeros, for a drill without traffic or a health monitor', () => {
    const result = build(drill());
    expect(result.slis).toEqual({ availability: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null, requests: 0, errors: 0, dropped: 0 });
    expect(result.series).toEqual([]);
    expect(result.harness).toMatchObject({ eventLoopDelayP99Ms: null, cpuMs: null, machineCpu: null, dropped: 0, drillsAtOnce: 1, lagPeriodMs: 0, saturatedChecks: [] });
  });
});

describe('summarizeRun', () => {
  const attempt = (status: ScenarioResult['status']) => ({ status }) as ScenarioResult;
  it('counts every status and rounds the pass rate to three places', () => {
    expect(summarizeRun([attempt('passed'), attempt('passed'), attempt('failed'), attempt('errored'), attempt('aborted'), attempt('failed')])).toEqual({ total: 6, passed: 2, failed: 2, errored: 1, aborted: 1, passRate: 0.333 });
    expect(summarizeRun([attempt('passed'), attempt('failed'), attempt('failed')]).passRate).toBe(0.333);
    expect(summarizeRun([attempt('passed'), attempt('passed'), attempt('failed')]).passRate).toBe(0.667);
  });
  it('has a pass rate of 0 for an empty run', () => {
    expect(summarizeRun([])).toEqual({ total: 0, passed: 0, failed: 0, errored: 0, aborted: 0, passRate: 0 });
  });
});
