import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { Drill } from '../runner/drill.ts';
import type { TeardownFailure } from '../runner/teardown-stack.ts';
import { DrillbitError, errorMessage } from '../errors.ts';
import { parseDuration } from '../util/duration.ts';
import { perSecondSeries } from '../traffic/sli-window.ts';
import { measureSentBetween } from '../runner/steps/window-slis.ts';
import type { WindowMeasure } from '../health/window-measure.ts';
import type { CheckResult } from '../checks/check-result.ts';
import { computeRecovery } from './recovery.ts';
import type { SloSpec } from '../scenario/schema.ts';
import type { HarnessReport, ScenarioResult, ScenarioStatus, SeriesPoint, Slis, SloTargets } from './results.ts';

export interface ResultInput {
  drill: Drill;
  loaded: LoadedScenario;
  error: unknown;
  aborted: boolean;
  teardownFailures: TeardownFailure[];
}

/** The scenario's verdict, computed from the drill's timeline, samples and checks only. */
export function buildScenarioResult({ drill, loaded, error, aborted, teardownFailures }: ResultInput): ScenarioResult {
  const { ctx } = drill;
  const checks = [...drill.checks];
  const status = decideStatus(checks, error, aborted, teardownFailures);
  const recovery = drill.recovery ?? computeRecovery(ctx.timeline.events, drill.samples, parseDuration(ctx.scenario.slo.recoveryTime));
  const whole = measureSentBetween(drill, -Infinity, Infinity);
  return {
    name: ctx.scenario.name,
    file: loaded.displayFile,
    attempt: ctx.attempt,
    seed: ctx.seed,
    status,
    reasons: reasons(status, checks, error, teardownFailures),
    startedAt: ctx.timeline.startedAt.toISOString(),
    durationMs: Math.round(ctx.timeline.now()),
    recovery,
    slo: sloTargets(ctx.scenario.slo),
    lkg: drill.finalLkg,
    slis: slis(drill, whole),
    data: drill.data ?? { acked: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, indeterminate: 0 },
    checks,
    timeline: ctx.timeline.events,
    faults: drill.faults?.records ?? [],
    faultPlan: drill.faultPlan,
    series: series(drill),
    harness: harnessReport(drill, whole, checks),
    ...(error !== undefined ? { error: describeError(error) } : {}),
    teardownFailures,
    workDir: ctx.workDir,
    ...(loaded.driverOverrides?.length ? { driverOverrides: loaded.driverOverrides } : {}),
    ...(loaded.externalTargets?.length ? { external: loaded.externalTargets } : {}),
  };
}

function decideStatus(checks: CheckResult[], error: unknown, aborted: boolean, teardownFailures: TeardownFailure[]): ScenarioStatus {
  if (aborted) return 'aborted';
  if (error !== undefined) return 'errored';
  if (teardownFailures.length > 0) return 'errored';
  if (checks.length === 0) return 'failed';
  return checks.every((c) => c.status === 'passed') ? 'passed' : 'failed';
}

function reasons(status: ScenarioStatus, checks: CheckResult[], error: unknown, teardownFailures: TeardownFailure[]): string[] {
  const out: string[] = [];
  if (status === 'aborted') out.push('the drill was interrupted before it finished');
  if (error !== undefined && status !== 'aborted') out.push(`error: ${errorMessage(error)}`);
  for (const failure of teardownFailures) out.push(`cleanup ${failure.name} failed: ${failure.error}`);
  for (const check of checks.filter((c) => c.status === 'failed')) out.push(`${check.name}: ${check.message}`);
  for (const check of checks.filter((c) => c.status === 'unknown')) out.push(`${check.name}: ${check.message}`);
  if (status === 'failed' && checks.length === 0) out.push('no check ran, so nothing was verified');
  return out;
}

function sloTargets(slo: SloSpec): SloTargets {
  return {
    recoveryTimeMs: parseDuration(slo.recoveryTime),
    availability: slo.availability,
    ...(slo.p95 !== undefined ? { p95Ms: parseDuration(slo.p95) } : {}),
    ...(slo.p99 !== undefined ? { p99Ms: parseDuration(slo.p99) } : {}),
    dataLoss: slo.dataLoss,
    stabilizationMs: parseDuration(slo.stabilization),
  };
}

function slis(drill: Drill, whole: WindowMeasure): Slis {
  const summary = whole.measured;
  return {
    availability: round(summary.availability),
    p50Ms: round(summary.p50Ms),
    p95Ms: round(summary.p95Ms),
    p99Ms: round(summary.p99Ms),
    maxMs: round(summary.maxMs),
    requests: summary.requests,
    errors: summary.errors,
    dropped: drill.traffic?.counters.dropped ?? 0,
  };
}

function round(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : Math.round(value * 1000) / 1000;
}

function harnessReport(drill: Drill, whole: WindowMeasure, checks: CheckResult[]): HarnessReport {
  const health = whole.health;
  return {
    eventLoopDelayP99Ms: round(health?.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: round(health?.eventLoopDelayMaxMs),
    stallMs: round(health?.stallMs),
    sendLagP99Ms: round(whole.sendLagP99Ms),
    sendLagMaxMs: round(whole.sendLagMaxMs),
    latenessP99Ms: round(whole.latenessP99Ms),
    dropped: whole.dropped,
    explainedFailures: whole.explainedFailures,
    unmeasured: whole.unmeasured,
    cpuMs: round(health?.cpu?.processMs),
    machineCpu: round(health?.cpu?.machineBusy),
    machineCpuPressure: round(health?.cpu?.pressure),
    cpuWaiting: round(health?.cpu?.waiting),
    cpuWaitPerWakeMs: round(health?.cpu?.waitPerWakeMs),
    drillsAtOnce: drill.health?.drillsAtOnce ?? 1,
    lagPeriodMs: drill.health?.lagPeriodMs ?? 0,
    saturatedChecks: checks.filter((c) => c.harnessSaturated).map((c) => c.name),
  };
}

function series(drill: Drill): SeriesPoint[] {
  return perSecondSeries(drill.samples).map((b) => ({ tMs: b.tMs, requests: b.requests, errors: b.errors, p50Ms: round(b.p50Ms), p95Ms: round(b.p95Ms), p99Ms: round(b.p99Ms) }));
}

function describeError(error: unknown): { message: string; hint?: string } {
  if (error instanceof DrillbitError) return { message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { message: errorMessage(error) };
}
