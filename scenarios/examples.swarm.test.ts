import { expect, it } from 'vitest';
import { runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';
import { expectExamples } from '../test/example-expectations.ts';
import { describeWithSwarm } from '../harness/drivers/swarm/describe-with-swarm.ts';
import { SwarmDriver } from '../harness/drivers/swarm/swarm-driver.ts';

/**
 * The example scenarios on the swarm driver against a real single-node swarm: every one
 * passes, the compose one included (its stock service a Swarm service of its compose image).
 * Where a scenario holds swarm to other targets (`drivers.swarm`: a Swarm rollback is a
 * rolling update, not a warm switch), the results say which.
 */
await describeWithSwarm('example scenarios on the swarm driver', () => {
  it('every example passes with what it promises (LKG map, recovery, data), and per-driver targets are listed', { timeout: 600_000 }, async () => {
    const results = await runDrillFiles(['scenarios'], { driver: SwarmDriver.fromEnvironment(process.env) });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    // Every example, each with its LKG map, recovery numbers and data (test/example-expectations.ts): the
    // orchestrator's own rollback detected as such, and the others as on every driver.
    expectExamples(results, 'swarm');
    const bad = results.scenarios.find((s) => s.name === 'bad release is rolled back by the guard');
    expect(bad?.driverOverrides).toEqual(['slo.availability: 0.9 → 0.75', 'steps[3].within: 5s → 8s']);
    expect(bad?.slo?.availability).toBe(0.75);
  });
});
