import { describe, expect, it } from 'vitest';
import { runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';
import { expectExamples } from '../test/example-expectations.ts';

/** The example scenarios are real drills: every one must pass on the local driver. */
describe('example scenarios on the local driver', () => {
  it('all pass, with results that match the contract and what each example promises', { timeout: 180_000 }, async () => {
    const results = await runDrillFiles(['scenarios'], { parallel: 2 });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    // Every example it runs passes with its LKG map, recovery numbers and data as test/example-expectations.ts states;
    // the compose ones need the docker driver (examples.docker.test.ts), the swarm-only one the swarm driver (examples.swarm.test.ts).
    expectExamples(results, 'local');
    for (const skipped of results.skipped ?? []) expect(skipped.reason).toMatch(/compose environments need --driver docker|needs --driver swarm/);
  });
});
