import { expect, it } from 'vitest';
import { runDrillFiles } from './drill-harness.ts';
import { describeWithSwarm } from '../harness/drivers/swarm/describe-with-swarm.ts';
import { SwarmDriver } from '../harness/drivers/swarm/swarm-driver.ts';
import type { ScenarioResult } from '../harness/verdict/results.ts';

function check(result: ScenarioResult, name: string) {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => c.name).join(', ')}`);
  return found;
}

/** The orchestrator-driven rollback on a real swarm, and its negative twin (failure action pause). */
await describeWithSwarm('swarm: the orchestrator rolls back by itself', () => {
  it('failureAction rollback: Swarm rolls the candidate back; every task on the LKG; detection and restore measured from the orchestrator', { timeout: 120_000 }, async () => {
    const [result] = (await runDrillFiles(['scenarios/swarm-orchestrator-rollback.drill.ts'], { driver: SwarmDriver.fromEnvironment(process.env) })).scenarios;
    expect(result!.status, result!.reasons.join('; ')).toBe('passed');
    expect(check(result!, 'LKG state at end of drill').status).toBe('passed');
    expect(result!.lkg.shop).toMatchObject({ match: true });
    expect(result!.recovery.detection).toBe('orchestrator-rollback');
    const events = result!.timeline;
    const states = events.filter((e) => e.type === 'orchestrator-update').map((e) => e.state);
    expect(states).toEqual(expect.arrayContaining(['updating', 'rollback_started', 'rollback_completed']));
    const failedTask = events.find((e) => e.type === 'task-failed');
    expect(failedTask, 'a candidate task failed its health check').toBeDefined();
    expect(result!.recovery.firstBadMs).toBe(Math.round(failedTask!.tMs));
    expect(result!.recovery.ttdMs).toBeGreaterThan(0);
    const completed = events.find((e) => e.type === 'orchestrator-update' && e.state === 'rollback_completed')!;
    expect(result!.recovery.restoredMs, 'restored no earlier than Swarm finished its rollback').toBeGreaterThanOrEqual(Math.round(completed.tMs));
    expect(result!.data.lost).toBe(0);
  });

  it('failureAction pause (negative twin): Swarm leaves the update half-done, and LKG equality fails it, naming the candidate', { timeout: 120_000 }, async () => {
    const [result] = (await runDrillFiles(['test/drills/swarm-pause-leaves-candidate.drill.ts'], { driver: SwarmDriver.fromEnvironment(process.env) })).scenarios;
    expect(result!.status).toBe('failed');
    const lkg = check(result!, 'LKG state at end of drill');
    expect(lkg.status).toBe('failed');
    expect(lkg.message).toMatch(/serving replicas run sha256:\w+.*not the LKG sha256:\w+/);
    expect(result!.lkg.shop!.match).toBe(false);
    expect(result!.timeline.some((e) => e.type === 'orchestrator-update' && e.state === 'paused')).toBe(true);
    expect(result!.reasons.join('\n')).toContain('not the LKG');
  });
});

/** On another driver the swarm-only scenario is skipped with a line saying so. */
it('the orchestrator-rollback scenario is skipped on the local driver, with the reason', async () => {
  const results = await runDrillFiles(['scenarios/swarm-orchestrator-rollback.drill.ts', 'scenarios/planned-rollback-v2-to-v1.drill.ts']);
  expect(results.skipped).toEqual([expect.objectContaining({ name: 'swarm rolls a failing update back by itself', reason: expect.stringMatching(/services\.shop\.update\) needs --driver swarm/) })]);
  expect(results.scenarios.map((s) => s.name)).not.toContain('swarm rolls a failing update back by itself');
});
