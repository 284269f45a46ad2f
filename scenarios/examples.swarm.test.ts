import { expect, it } from 'vitest';
import { runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';
import { describeWithSwarm } from '../harness/drivers/swarm/describe-with-swarm.ts';
import { SwarmDriver } from '../harness/drivers/swarm/swarm-driver.ts';

/**
 * The example scenarios on the swarm driver against a real single-node swarm: every one
 * passes, the compose one included (its stock service a Swarm service of its compose image).
 * Where a scenario holds swarm to other targets (`drivers.swarm`: a Swarm rollback is a
 * rolling update, not a warm switch), the results say which.
 */
await describeWithSwarm('example scenarios on the swarm driver', () => {
  it('every example passes, each ends on the LKG with no acknowledged write lost, and per-driver targets are listed', { timeout: 600_000 }, async () => {
    const results = await runDrillFiles(['scenarios'], { driver: SwarmDriver.fromEnvironment(process.env) });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    expect(results.driver).toBe('swarm');
    expect(results.skipped ?? []).toEqual([]);
    expect(results.scenarios.length).toBeGreaterThanOrEqual(12);
    const problems = results.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.name}: ${s.status}: ${s.reasons.join('; ')}`);
    expect(problems, problems.join('\n')).toEqual([]);
    for (const s of results.scenarios) {
      expect(s.checks.find((c) => c.name === 'LKG state at end of drill')?.status, `${s.name}: LKG state at end of drill`).toBe('passed');
      expect(s.data.lost, `${s.name}: acknowledged writes lost`).toBe(0);
    }
    const orchestrated = results.scenarios.find((s) => s.name === 'swarm rolls a failing update back by itself');
    expect(orchestrated?.recovery.detection).toBe('orchestrator-rollback');
    const bad = results.scenarios.find((s) => s.name === 'bad release is rolled back by the guard');
    expect(bad?.driverOverrides).toEqual(['slo.availability: 0.9 → 0.75', 'steps[3].within: 5s → 8s']);
    expect(bad?.slo?.availability).toBe(0.75);
  });
});
