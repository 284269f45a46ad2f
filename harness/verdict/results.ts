import type { ExternalTarget } from '../scenario/target-allowance.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { LkgComparison } from '../checks/lkg-equality-check.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { DataResult } from '../traffic/sample.ts';
import type { FaultRecord } from '../faults/fault-runner.ts';
import type { PlannedFault } from '../faults/fault-planner.ts';
import type { ShardInfo } from '../scenario/shard.ts';
import type { ScenarioStats } from './scenario-stats.ts';
import type { MergeInfo } from '../report/merge-results.ts';
import type { LineageStep } from '../ledger/lineage.ts';
import type { ParallelChoice } from '../runner/parallel-default.ts';

export type ScenarioStatus = 'passed' | 'failed' | 'errored' | 'aborted';

/** DESIGN.md §3 "Result JSON": these field names are a contract; add, never rename. */
export interface Recovery {
  /** First bad observation → detection (guard trip, rejected rollout). Null when nothing was detected, and for a planned rollback (nothing to detect). */
  ttdMs: number | null;
  /** Detection (or planned rollback start) → restored. Null when the drill never got there. */
  ttrMs: number | null;
  /** The SLO's recovery time objective. */
  rtoMs: number;
  withinSlo: boolean | null;
  detection?: 'guard' | 'deploy-rejected' | 'planned-rollback' | 'orchestrator-rollback';
  firstBadMs?: number;
  detectedMs?: number;
  restoredMs?: number;
  /**
   * A drill without a detection whose faults were reverted (additive): how long after the
   * last fault's revert the LKG state was restored (`recoverMs`), and how long the service
   * was away from it, from the injection (`impactMs`). Null `recoverMs`: never restored.
   */
  afterFault?: FaultRecovery;
}

export interface FaultRecovery {
  faultId: string;
  injectedMs: number;
  revertedMs: number;
  restoredMs?: number;
  recoverMs: number | null;
  impactMs: number | null;
}

export interface Slis {
  availability: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  requests: number;
  errors: number;
  dropped: number;
}

/**
 * The harness's own health over the drill (issue 13 §3): how late it was, so a reader can
 * tell its lateness from the service's. Additive; absent in results written before it.
 */
export interface HarnessReport {
  /** How late a timer due every `lagPeriodMs` ran, over the drill: p99 and max, ms. */
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  /** Time the event loop could not run at all, ms. */
  stallMs: number | null;
  /** Per request: actual send time − intended send time, p99 and max, ms. */
  sendLagP99Ms: number | null;
  sendLagMaxMs: number | null;
  /** Per request: send lag + loop stalls while in flight, p99, ms. */
  latenessP99Ms: number | null;
  /** Arrivals not sent (maxInFlight reached). */
  dropped: number;
  /** Failed requests the harness could have caused: timeouts that fired while its loop was stalled, failures while the machine was saturated. */
  explainedFailures: number;
  /** Requests in flight while the machine's CPUs were saturated, whose latency the harness cannot tell from the machine's. */
  unmeasured: number;
  /** CPU of the harness process while the drill ran, ms — shared by `drillsAtOnce` drills. */
  cpuMs: number | null;
  /** Share of the machine's cores busy while the drill ran, 0–1, and share of time some task waited for a CPU (Linux PSI), 0–1. */
  machineCpu: number | null;
  machineCpuPressure: number | null;
  /** Share of the drill the harness's main thread waited for a CPU, and its mean wait each time it became runnable, ms (schedstat). */
  cpuWaiting: number | null;
  cpuWaitPerWakeMs: number | null;
  /** Most drills that ran at once in this process while this one ran (1 alone). */
  drillsAtOnce: number;
  lagPeriodMs: number;
  /** Checks that were unknown because the harness's lateness could explain their result. */
  saturatedChecks: string[];
}

export interface SeriesPoint {
  tMs: number;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** The scenario's SLO targets, in milliseconds and ratios, so a report can set target against measured. */
export interface SloTargets {
  recoveryTimeMs: number;
  availability: number;
  p95Ms?: number;
  p99Ms?: number;
  dataLoss: number;
  stabilizationMs: number;
}

export interface ScenarioResult {
  name: string;
  file: string;
  attempt: number;
  seed: number;
  status: ScenarioStatus;
  /** Why the scenario did not pass, one line per reason, failing checks first. */
  reasons: string[];
  startedAt: string;
  durationMs: number;
  recovery: Recovery;
  /** Absent in results written before it was added, and in scenarios rebuilt from a journal. */
  slo?: SloTargets;
  lkg: Record<string, LkgComparison>;
  slis: Slis;
  data: Omit<DataResult, 'readBack' | 'readBackError' | 'attempted' | 'failed'> & Partial<DataResult>;
  checks: CheckResult[];
  timeline: TimelineEvent[];
  /** Every fault as it happened (status, injection and revert times). */
  faults: FaultRecord[];
  /** The seeded fault schedule the drill followed: same seed, same plan. */
  faultPlan: PlannedFault[];
  /** Per-second traffic, for charts. */
  series: SeriesPoint[];
  /** The harness's own health while it measured (additive; absent in older results). */
  harness?: HarnessReport;
  error?: { message: string; hint?: string };
  teardownFailures: { name: string; error: string }[];
  workDir: string;
  /** Per service, its releases during the drill: deploys, promotions, rollbacks, each with its registration (additive; absent when no release was deployed). */
  lineage?: Record<string, LineageStep[]>;
  /** Targets the scenario's `drivers.<driver>` blocks changed on this run's driver, e.g. `slo.availability: 0.9 → 0.8` (additive; absent when none). */
  driverOverrides?: string[];
  /** The scenario's external dependencies (`external`): each address and why the drill could reach it, `loopback` or `--allow-target` (additive; absent when none). */
  external?: ExternalTarget[];
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  aborted: number;
  passRate: number;
}

export interface RunResults {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  driver: string;
  seed: number;
  drillbitVersion: string;
  /** True when the run was interrupted (Ctrl-C, SIGTERM) before every scenario finished. */
  aborted: boolean;
  summary: RunSummary;
  scenarios: ScenarioResult[];
  /** Per scenario: attempts, pass rate, 95% Wilson lower bound, flaky (additive). */
  scenarioStats?: ScenarioStats[];
  /** Set when the run was one shard (`--shard i/n`). */
  shard?: ShardInfo;
  /** Set by `drillbit merge-reports`: where the scenarios came from and what did not match. */
  merged?: MergeInfo;
  /** How many attempts ran at once and why: `--parallel` (`flag`) or the machine's `default` (additive). */
  parallel?: ParallelChoice;
  /** Scenarios the run's driver cannot run (a compose environment on the local driver), with why; not counted in `summary`. */
  skipped?: { name: string; file: string; reason: string }[];
}

export function summarizeRun(scenarios: ScenarioResult[]): RunSummary {
  const count = (status: ScenarioStatus) => scenarios.filter((s) => s.status === status).length;
  const total = scenarios.length;
  const passed = count('passed');
  return { total, passed, failed: count('failed'), errored: count('errored'), aborted: count('aborted'), passRate: total ? round3(passed / total) : 0 };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
