import { expect } from 'vitest';
import type { RunResults, ScenarioResult } from '../harness/verdict/results.ts';

type DriverName = 'local' | 'docker' | 'swarm';
type Detection = 'guard' | 'deploy-rejected' | 'planned-rollback' | 'orchestrator-rollback';

/** What one example scenario must show in results.json, whatever the driver. */
interface ExampleExpectation {
  file: string;
  /** The drivers it runs on; on the others it is skipped, with its reason. */
  drivers: readonly DriverName[];
  /** The LKG map: exactly these services, each observed on its LKG. */
  services: readonly string[];
  /**
   * The rollback the drill must detect (ttd and ttr measured, within the RTO), or, for a
   * drill with no rollback, why none: then no detection at all (ttd, ttr, withinSlo null).
   */
  recovery: { detection: Detection; drivers?: Partial<Record<DriverName, Detection>> } | { none: string };
}

const ALL: readonly DriverName[] = ['local', 'docker', 'swarm'];

/** Every example in scenarios/, by name. A new example needs its line here (the helper fails on one it does not know). */
export const EXAMPLES: Record<string, ExampleExpectation> = {
  'bad release is rolled back by the guard': { file: 'scenarios/bad-release-rolled-back.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'guard' } },
  // stock is the compose file's image, not a release the drill deploys: it has no LKG.
  'compose stack: a bad shop release is rolled back, stock from the compose file': { file: 'scenarios/compose-stack-rollback.drill.ts', drivers: ['docker', 'swarm'], services: ['shop'], recovery: { detection: 'guard' } },
  // Swarm rejects the crashing update itself (its update's failure action), before the harness would.
  'crash-on-boot candidate never takes traffic': { file: 'scenarios/crash-on-boot-never-serves.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'deploy-rejected', drivers: { swarm: 'orchestrator-rollback' } } },
  'a dependency slowed down during a rollout trips the guard': { file: 'scenarios/dependency-slowdown-trips-guard.drill.ts', drivers: ALL, services: ['shop', 'stock'], recovery: { detection: 'guard' } },
  'latency regression is detected and rolled back': { file: 'scenarios/latency-regression-rolled-back.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'guard' } },
  'lying health check is caught by traffic': { file: 'scenarios/lying-health-caught-by-traffic.drill.yaml', drivers: ALL, services: ['shop'], recovery: { detection: 'guard' } },
  "service's own metrics trip the guard": { file: 'scenarios/metrics-guard-rollback.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'guard' } },
  'a partition heals and the data stays intact': {
    file: 'scenarios/partition-heals-data-intact.drill.ts',
    drivers: ALL,
    services: ['shop', 'stock'],
    recovery: { none: 'a fault-only drill: one release of each service, a partition that heals by itself, nothing to roll back' },
  },
  'planned rollback from v2 to v1 keeps every order': { file: 'scenarios/planned-rollback-v2-to-v1.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'planned-rollback' } },
  'promote v1 then v2, roll back to v1': { file: 'scenarios/promote-then-rollback.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'planned-rollback' } },
  'a replica killed during rollback still restores the LKG within the SLO': { file: 'scenarios/replica-killed-during-rollback.drill.ts', drivers: ALL, services: ['shop'], recovery: { detection: 'planned-rollback' } },
  'swarm rolls a failing update back by itself': { file: 'scenarios/swarm-orchestrator-rollback.drill.ts', drivers: ['swarm'], services: ['shop'], recovery: { detection: 'orchestrator-rollback' } },
};

/**
 * The example scenarios' results on one driver, held to what each promises (one helper for
 * the local, docker and swarm example tests): every example this driver runs ran and
 * passed, and the others were skipped; each ends with its LKG map holding exactly its
 * services, each a match; a drill with a rollback has it detected, with ttd and ttr
 * measured and within the RTO; the drill without one detected nothing; every drill
 * acknowledged writes and lost none.
 */
export function expectExamples(results: RunResults, driver: DriverName): void {
  expect(results.driver).toBe(driver);
  const unknown = results.scenarios.map((s) => s.name).filter((name) => !EXAMPLES[name]);
  expect(unknown, 'examples without an expectation in test/example-expectations.ts').toEqual([]);
  const runs = Object.entries(EXAMPLES).filter(([, e]) => e.drivers.includes(driver));
  expect(results.scenarios.map((s) => s.name).sort(), `the examples ${driver} runs`).toEqual(runs.map(([name]) => name).sort());
  const skips = Object.values(EXAMPLES).filter((e) => !e.drivers.includes(driver)).map((e) => e.file);
  expect((results.skipped ?? []).map((s) => s.file).sort(), `the examples ${driver} skips`).toEqual(skips.sort());

  // What each promises first (its failure names the fact), then the verdicts.
  for (const scenario of results.scenarios) expectExample(scenario, EXAMPLES[scenario.name]!, driver);
  const problems = results.scenarios.filter((s) => s.status !== 'passed').map((s) => `${s.name}: ${s.status}: ${s.reasons.join('; ')}`);
  expect(problems, problems.join('\n')).toEqual([]);
}

export function expectExample(scenario: ScenarioResult, expected: ExampleExpectation, driver: DriverName): void {
  const name = scenario.name;
  expect(scenario.file, name).toBe(expected.file);

  expect(Object.keys(scenario.lkg).sort(), `${name}: services in the LKG map`).toEqual([...expected.services].sort());
  for (const [service, lkg] of Object.entries(scenario.lkg)) {
    expect(lkg, `${name}: ${service} on its LKG`).toMatchObject({ expected: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), observed: lkg.expected, match: true });
  }
  expect(check(scenario, 'LKG state at end of drill'), name).toBe('passed');

  if ('detection' in expected.recovery) {
    const { recovery } = scenario;
    expect(recovery.detection, `${name}: how the rollback was detected on ${driver}`).toBe(expected.recovery.drivers?.[driver] ?? expected.recovery.detection);
    // A planned rollback is not detected: it has no time to detect (null), every other detection has one.
    if (recovery.detection === 'planned-rollback') expect(recovery.ttdMs, `${name}: a planned rollback has no ttd`).toBeNull();
    else {
      expect(recovery.ttdMs, `${name}: ttdMs`).toEqual(expect.any(Number));
      expect(recovery.ttdMs!, `${name}: ttdMs`).toBeGreaterThanOrEqual(0);
    }
    expect(recovery.ttrMs, `${name}: ttrMs`).toEqual(expect.any(Number));
    expect(recovery.ttrMs!, `${name}: ttrMs`).toBeGreaterThanOrEqual(0);
    expect(recovery.ttrMs!, `${name}: ttrMs within the RTO`).toBeLessThanOrEqual(recovery.rtoMs);
    expect(recovery.withinSlo, `${name}: withinSlo`).toBe(true);
    expect(check(scenario, `restored within RTO`), name).toBe('passed');
  } else {
    // No rollback by design: a detection here would be a false one.
    expect(scenario.recovery, `${name}: ${expected.recovery.none}`).toMatchObject({ ttdMs: null, ttrMs: null, withinSlo: null });
    expect(scenario.recovery.detection, `${name}: ${expected.recovery.none}`).toBeUndefined();
    // A fault drill's recovery runs from its last fault's revert instead (recovery.afterFault).
    expect(scenario.recovery.afterFault, `${name}: recovered after its fault's revert`).toMatchObject({ recoverMs: expect.any(Number), impactMs: expect.any(Number) });
    expect(scenario.recovery.afterFault!.recoverMs!, `${name}: time to recover after the revert within the RTO`).toBeLessThanOrEqual(scenario.recovery.rtoMs);
  }

  // Every example writes (traffic.writes): some acknowledged, none lost, nothing unexpected.
  expect(scenario.data.acked, `${name}: acknowledged writes`).toBeGreaterThan(0);
  expect(scenario.data, `${name}: data`).toMatchObject({ lost: 0, lostIds: [], unexpected: 0 });
  expect(check(scenario, 'no acknowledged write lost'), name).toBe('passed');
}

/** The status of the check whose name starts with `prefix` ("restored within RTO 15.0s"); one such check only. */
function check(scenario: ScenarioResult, prefix: string): string | undefined {
  const found = scenario.checks.filter((c) => c.name.startsWith(prefix));
  expect(found.map((c) => c.name), `${scenario.name}: checks named "${prefix}…"`).toHaveLength(1);
  return found[0]!.status;
}
