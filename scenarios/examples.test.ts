import { describe, expect, it } from 'vitest';
import { runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';

/** The example scenarios are real drills: every one must pass on the local driver. */
describe('example scenarios on the local driver', () => {
  it('all pass, with results that match the contract', async () => {
    const results = await runDrillFiles(['scenarios'], { parallel: 2 });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    const failures = results.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.name}: ${s.status}: ${s.reasons.join('; ')}`);
    expect(failures).toEqual([]);
    expect(results.scenarios.length).toBeGreaterThanOrEqual(5);
    // Scenarios with a compose environment need the docker driver: skipped here, each with its reason (examples.docker.test.ts runs them).
    // …and the swarm-only scenario needs the swarm driver (examples.swarm.test.ts runs it).
    for (const skipped of results.skipped ?? []) expect(skipped.reason).toMatch(/compose environments need --driver docker|needs --driver swarm/);
    expect(results.skipped?.map((s) => s.file)).toContain('scenarios/swarm-orchestrator-rollback.drill.ts');
    expect(results.skipped?.map((s) => s.file)).toContain('scenarios/compose-stack-rollback.drill.ts');
    for (const scenario of results.scenarios) {
      expect(Object.values(scenario.lkg).every((l) => l.match && l.expected === l.observed)).toBe(true);
      expect(scenario.recovery.withinSlo).not.toBe(false); // null: nothing was detected, nothing to recover
      expect(scenario.data.lost).toBe(0);
      expect(scenario.data.acked).toBeGreaterThan(0);
    }
  });
});
