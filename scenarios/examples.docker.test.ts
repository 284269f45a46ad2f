import { expect, it } from 'vitest';
import { runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';
import { describeWithDocker } from '../harness/drivers/docker/describe-with-docker.ts';
import { DockerDriver } from '../harness/drivers/docker/docker-driver.ts';

/** The same example scenarios, unchanged, on the docker driver against the real engine. */
await describeWithDocker('example scenarios on the docker driver', () => {
  it('all pass, with results that match the contract', { timeout: 300_000 }, async () => {
    const results = await runDrillFiles(['scenarios'], { driver: DockerDriver.fromEnvironment(process.env) });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    const failures = results.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.name}: ${s.status}: ${s.reasons.join('; ')}`);
    expect(failures).toEqual([]);
    expect(results.driver).toBe('docker');
    expect(results.scenarios.length).toBeGreaterThanOrEqual(9);
  });
});
