import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { syntheticRun, syntheticScenario } from '../../test/synthetic-results.ts';
import { promtoolCheckMetrics } from '../../test/prom-tools.ts';
import { DrillMetrics } from './drill-metrics.ts';

const guarded = syntheticScenario({
  name: 'bad "release" <rolled back>',
  status: 'passed',
  recovery: { ttdMs: 75, ttrMs: 1500, rtoMs: 15_000, withinSlo: true },
  faults: [
    { id: 'f1', fault: 'kill', target: 'shop[0]', status: 'reverted', injections: [] },
    { id: 'f2', fault: 'pause', target: 'shop[1]', status: 'skipped', injections: [] },
  ],
});
const noTraffic = syntheticScenario({
  name: 'no traffic',
  status: 'failed',
  recovery: { ttdMs: null, ttrMs: null, rtoMs: 5000, withinSlo: null },
  slis: { availability: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null, requests: 0, errors: 0, dropped: 0 },
  checks: [{ name: 'guard analysis had data', status: 'unknown', message: 'no data: no samples' }],
});

async function metricsOf(...scenarios: ReturnType<typeof syntheticScenario>[]): Promise<string> {
  const metrics = new DrillMetrics();
  metrics.runSeen(syntheticRun(scenarios));
  for (const s of scenarios) {
    metrics.scenarioBegan();
    metrics.scenarioEnded(s);
  }
  return metrics.text();
}

describe('drill metrics', () => {
  it('pass promtool check metrics with no warning', async () => {
    const text = await metricsOf(guarded, noTraffic);
    const check = promtoolCheckMetrics(text);
    expect(check, text).toEqual({ status: 0, output: '' });
  });

  it('count verdicts, checks, faults and writes, with units in seconds', async () => {
    const text = await metricsOf(guarded, guarded, noTraffic);
    const name = 'bad \\"release\\" <rolled back>';
    expect(text).toContain(`drillbit_drill_runs_total{scenario="${name}",status="passed"} 2`);
    expect(text).toContain('drillbit_drill_runs_total{scenario="no traffic",status="failed"} 1');
    expect(text).toContain('drillbit_checks_total{scenario="no traffic",check="guard analysis had data",status="unknown"} 1');
    expect(text).toContain(`drillbit_recovery_seconds_bucket{le="2.5",scenario="${name}"} 2`);
    expect(text).toContain(`drillbit_recovery_seconds_bucket{le="1",scenario="${name}"} 0`);
    expect(text).toContain(`drillbit_recovery_seconds_sum{scenario="${name}"} 3`);
    expect(text).toContain(`drillbit_detection_seconds_count{scenario="${name}"} 2`);
    expect(text).toContain(`drillbit_recovery_objective_seconds{scenario="${name}"} 15`);
    expect(text).toContain(`drillbit_request_latency_seconds{scenario="${name}",percentile="95"} 0.01`);
    expect(text).toContain(`drillbit_availability_ratio{scenario="${name}"} 0.98`);
    expect(text).toContain(`drillbit_requests_total{scenario="${name}",outcome="error"} 16`);
    expect(text).toContain(`drillbit_acked_writes_total{scenario="${name}"} 190`);
    expect(text).toContain(`drillbit_acked_writes_lost_total{scenario="${name}"} 0`);
    expect(text).toContain('drillbit_faults_total{fault="kill",status="reverted"} 2');
    expect(text).toContain('drillbit_faults_total{fault="pause",status="skipped"} 2');
    expect(text).toContain('drillbit_run_info{driver="local",version="0.1.0"} 1');
    expect(text).toContain('drillbit_drills_in_progress 0');
  });

  it('leave out what was not measured instead of reporting 0 (no requests, nothing detected)', async () => {
    const text = await metricsOf(noTraffic);
    expect(text).not.toMatch(/drillbit_availability_ratio\{/);
    expect(text).not.toMatch(/drillbit_request_latency_seconds\{/);
    expect(text).not.toMatch(/drillbit_recovery_seconds_count\{/);
    expect(text).toContain('drillbit_recovery_objective_seconds{scenario="no traffic"} 5');
  });

  it('a later attempt without data removes the earlier attempt\'s gauge', async () => {
    const text = await metricsOf(syntheticScenario({ name: 'no traffic', status: 'passed' }), noTraffic);
    expect(text).not.toMatch(/drillbit_availability_ratio\{scenario="no traffic"\}/);
  });

  it('each run has its own registry; the global one stays empty', async () => {
    const a = new DrillMetrics();
    const b = new DrillMetrics();
    a.scenarioEnded(guarded);
    expect(await b.text()).not.toContain('status="passed"');
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
  });
});
