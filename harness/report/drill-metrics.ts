import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';

// Recovery and detection span milliseconds (a warm switch) to minutes (a cold restore).
const RECOVERY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const DURATION_BUCKETS = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const PERCENTILES = [
  ['50', 'p50Ms'],
  ['95', 'p95Ms'],
  ['99', 'p99Ms'],
] as const;

/**
 * A run's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two runs in one process cannot mix). Labels are bounded: scenario and check names come
 * from the scenario files, fault and status from fixed sets; never a request or write id.
 * A number that was not measured (no requests, nothing detected) is absent, never 0.
 */
export class DrillMetrics {
  readonly registry = new Registry();
  private readonly runInfo = this.gauge('drillbit_run_info', 'The run: driver and drillbit version (value 1).', ['driver', 'version']);
  private readonly inProgress = this.gauge('drillbit_drills_in_progress', 'Drill attempts running now.', []);
  private readonly runs = this.counter('drillbit_drill_runs_total', 'Drill attempts that ended, by verdict (passed, failed, errored, aborted).', ['scenario', 'status']);
  private readonly checks = this.counter('drillbit_checks_total', 'Verdict checks, by outcome (passed, failed, unknown: no data).', ['scenario', 'check', 'status']);
  private readonly duration = this.histogram('drillbit_drill_duration_seconds', 'Wall time of a drill attempt.', DURATION_BUCKETS);
  private readonly detection = this.histogram('drillbit_detection_seconds', 'Time to detect: first bad observation to detection (guard trip, rejected rollout).', RECOVERY_BUCKETS);
  private readonly recovery = this.histogram('drillbit_recovery_seconds', 'Time to restore: detection (or planned rollback start) to the LKG verified back.', RECOVERY_BUCKETS);
  private readonly objective = this.gauge('drillbit_recovery_objective_seconds', 'The scenario\'s recovery time objective (RTO).', ['scenario']);
  private readonly availability = this.gauge('drillbit_availability_ratio', 'Share of requests answered well over the last attempt\'s drill (absent with no request).', ['scenario']);
  // A gauge per percentile, not a summary: the percentiles come from the drill's HDR histogram,
  // and a "quantile" label is for summaries only (promtool lint), which need the raw observations.
  private readonly latency = this.gauge('drillbit_request_latency_seconds', 'Request latency percentiles (50, 95, 99) over the last attempt\'s drill, from the intended send time.', ['scenario', 'percentile']);
  private readonly requests = this.counter('drillbit_requests_total', 'Synthetic requests, by outcome (ok, error, dropped before sending).', ['scenario', 'outcome']);
  private readonly ackedWrites = this.counter('drillbit_acked_writes_total', 'Writes the service acknowledged.', ['scenario']);
  private readonly lostWrites = this.counter('drillbit_acked_writes_lost_total', 'Acknowledged writes missing after recovery.', ['scenario']);
  private readonly faults = this.counter('drillbit_faults_total', 'Faults of the drills, by fault type and status (reverted, skipped, inject-failed, revert-failed).', ['fault', 'status']);

  /** An attempt started (live metrics). */
  scenarioBegan(): void {
    this.inProgress.inc();
  }

  /** An attempt ended: every number of its result. */
  scenarioEnded(result: ScenarioResult, options: { wasInProgress: boolean } = { wasInProgress: true }): void {
    if (options.wasInProgress) this.inProgress.dec();
    const scenario = { scenario: result.name };
    this.runs.inc({ ...scenario, status: result.status });
    for (const check of result.checks ?? []) this.checks.inc({ ...scenario, check: check.name, status: check.status });
    this.duration.observe(scenario, result.durationMs / 1000);
    this.recordRecovery(result);
    this.recordTraffic(result);
    for (const fault of result.faults ?? []) this.faults.inc({ fault: fault.fault, status: fault.status });
  }

  runSeen(run: Pick<RunResults, 'driver' | 'drillbitVersion'>): void {
    this.runInfo.reset();
    this.runInfo.set({ driver: run.driver, version: run.drillbitVersion }, 1);
  }

  /** The text exposition format, as `metrics.prom` and `/metrics` serve it. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private recordRecovery(result: ScenarioResult): void {
    const scenario = { scenario: result.name };
    const recovery = result.recovery;
    if (!recovery) return;
    if (recovery.ttdMs !== null && recovery.ttdMs !== undefined) this.detection.observe(scenario, recovery.ttdMs / 1000);
    if (recovery.ttrMs !== null && recovery.ttrMs !== undefined) this.recovery.observe(scenario, recovery.ttrMs / 1000);
    if (Number.isFinite(recovery.rtoMs)) this.objective.set(scenario, recovery.rtoMs / 1000);
  }

  private recordTraffic(result: ScenarioResult): void {
    const scenario = { scenario: result.name };
    const slis = result.slis;
    if (slis) {
      this.requests.inc({ ...scenario, outcome: 'ok' }, Math.max(0, slis.requests - (slis.errors ?? 0)));
      this.requests.inc({ ...scenario, outcome: 'error' }, slis.errors ?? 0);
      this.requests.inc({ ...scenario, outcome: 'dropped' }, slis.dropped ?? 0);
      setOrRemove(this.availability, scenario, slis.availability);
      for (const [percentile, field] of PERCENTILES) setOrRemove(this.latency, { ...scenario, percentile }, slis[field] == null ? null : slis[field]! / 1000);
    }
    if (result.data) {
      this.ackedWrites.inc(scenario, result.data.acked ?? 0);
      this.lostWrites.inc(scenario, result.data.lost ?? 0);
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string, buckets: number[]): Histogram<'scenario'> {
    return new Histogram({ name, help, buckets, labelNames: ['scenario'], registers: [this.registry] });
  }
}

/** The last attempt's value; an unmeasured one removes the series instead of reporting a stale or zero value. */
function setOrRemove<L extends string>(gauge: Gauge<L>, labels: Record<L, string>, value: number | null | undefined): void {
  if (value === null || value === undefined || !Number.isFinite(value)) gauge.remove(labels);
  else gauge.set(labels, value);
}
