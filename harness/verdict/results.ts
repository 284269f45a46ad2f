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

export type ScenarioStatus = 'passed' | 'failed' | 'errored' | 'aborted';

/** DESIGN.md §3 "Result JSON": these field names are a contract; add, never rename. */
export interface Recovery {
  /** First bad observation → detection (guard trip, rejected rollout). Null when nothing was detected. */
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
