import { expect, it } from 'vitest';
import { runDrillFiles } from '../test/drill-harness.ts';
import { resultsContract } from '../test/results-contract.ts';
import { describeWithSwarm } from '../harness/drivers/swarm/describe-with-swarm.ts';
import { SwarmDriver } from '../harness/drivers/swarm/swarm-driver.ts';

/**
 * Checks that only measure time: how long the candidate served, how fast the rollback was,
 * latency under the machine's load. Swarm has no warm release — a rollback is a rolling update
 * (a task start and a health check, ~2–3 s here) where the local and docker drivers switch in
 * milliseconds — so a scenario whose SLO assumes that switch may miss these on swarm.
 */
const TIMING_CHECK = /^(SLIs over the whole drill|SLIs for .* after restore|steady state for .*|.* rolled back within .*|restored within RTO .*|restored within the verification window)$/;

/**
 * Example scenarios whose SLOs (availability over the whole drill, 5 s rollback windows, p95
 * 250 ms) were set for a warm switch: on swarm they must still end on the LKG with no order
 * lost, and may miss timing checks only. Each with what it misses, as measured.
 */
const WARM_SWITCH_SLOS: Record<string, string> = {
  'bad release is rolled back by the guard': 'availability 0.9: the 50%-failing candidate serves during the rolling update and the rolling rollback (~85% measured)',
  'lying health check is caught by traffic': 'availability 0.85 and a 5 s rollback window: the liar serves during the update and the rollback',
  'latency regression is detected and rolled back': 'a 5 s rollback window from the rollout start',
  "service's own metrics trip the guard": 'a 5 s rollback window from the rollout start',
  'a dependency slowed down during a rollout trips the guard': 'a 4 s rollback window from the rollout start',
  'planned rollback from v2 to v1 keeps every order': 'p95 250 ms and RTO 5 s: the rollback is a rolling update, and health probes (docker exec) load the 2 cores',
  'crash-on-boot candidate never takes traffic': 'a 5 s rejection window: Swarm declares the candidate failed after its health check start period',
};

/** The same example scenarios, unchanged, on the swarm driver against a real single-node swarm. */
await describeWithSwarm('example scenarios on the swarm driver', () => {
  it('each passes or, where its SLO assumes a warm switch, misses timing checks only: every one ends on the LKG with no acknowledged write lost', { timeout: 480_000 }, async () => {
    const results = await runDrillFiles(['scenarios'], { driver: SwarmDriver.fromEnvironment(process.env) });
    expect(resultsContract.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    expect(results.driver).toBe('swarm');
    expect(results.scenarios.length).toBeGreaterThanOrEqual(10);
    // Stacks are not implemented: the compose scenario is skipped, and says why.
    expect(results.skipped?.map((s) => s.reason)).toEqual([expect.stringMatching(/compose environments need --driver docker/)]);
    const problems: string[] = [];
    for (const s of results.scenarios) {
      if (s.status === 'passed') continue;
      const failed = s.checks.filter((c) => c.status !== 'passed');
      const untimed = failed.filter((c) => !TIMING_CHECK.test(c.name));
      const allowed = WARM_SWITCH_SLOS[s.name];
      if (!allowed || s.status !== 'failed' || untimed.length) problems.push(`${s.name}: ${s.status}: ${s.reasons.join('; ')}`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
    for (const s of results.scenarios) {
      expect(s.checks.find((c) => c.name === 'LKG state at end of drill')?.status, `${s.name}: LKG state at end of drill`).toBe('passed');
      expect(s.data.lost, `${s.name}: acknowledged writes lost`).toBe(0);
    }
    const orchestrated = results.scenarios.find((s) => s.name === 'swarm rolls a failing update back by itself');
    expect(orchestrated?.status, orchestrated?.reasons.join('; ')).toBe('passed');
    expect(orchestrated?.recovery.detection).toBe('orchestrator-rollback');
  });
});
