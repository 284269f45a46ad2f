import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../harness/verdict/results.ts';
import { runDrillFiles } from './drill-harness.ts';

/** A drill whose every fault is a seeded choice: which replica, when, and whether at all. */
const RANDOM_DRILL = 'test/drills/random-fault-plan.drill.ts';

/** What a seed decided, as results.json records it: the plan, and which replica each injected fault hit (its timeline event, pid left out). */
function choices(result: ScenarioResult) {
  const hit = (id: string) => result.timeline.find((e) => e.type === 'fault' && e.faultId === id)?.target?.toString().replace(/ \(pid \d+\)$/, '');
  return {
    plan: result.faultPlan.map((f) => ({ id: f.id, target: f.target, atMs: f.atMs, inject: f.inject })),
    faults: [...result.faults].sort((a, b) => a.id.localeCompare(b.id)).map((f) => ({ id: f.id, target: f.target, status: f.status, replica: f.status === 'skipped' ? undefined : hit(f.id) })),
  };
}

describe('--repeat and --seed', () => {
  it('runs each attempt with its own seed, derived from the root seed so a run replays', async () => {
    const file = 'scenarios/crash-on-boot-never-serves.drill.ts';
    const first = await runDrillFiles([file], { repeat: 2, parallel: 2, seed: 1234 });
    const again = await runDrillFiles([file], { repeat: 1, seed: 1234 });
    const other = await runDrillFiles([file], { repeat: 1, seed: 99 });
    expect(first.scenarios.map((s) => [s.attempt, s.status])).toEqual([
      [1, 'passed'],
      [2, 'passed'],
    ]);
    expect(first.summary).toMatchObject({ total: 2, passed: 2, passRate: 1 });
    expect(first.scenarios[0]!.seed).not.toBe(first.scenarios[1]!.seed);
    expect(again.scenarios[0]!.seed).toBe(first.scenarios[0]!.seed);
    expect(other.scenarios[0]!.seed).not.toBe(first.scenarios[0]!.seed);
    expect(first.seed).toBe(1234);
  });

  // Seeds 1 and 3 are known to choose differently (replicas 1,2,2,2,0 against 2,0,2,0,0; every
  // pause injected against the 2nd and 4th skipped); fixed here so the test does not search for a pair.
  it('a seed replays the drill\'s random choices: same seed, same plan and the same replicas hit; another seed, other choices', { timeout: 60_000 }, async () => {
    // One after another: three drills at once on two cores would measure the harness, not the drill.
    const results: ScenarioResult[] = [];
    for (const seed of [1, 1, 3]) results.push((await runDrillFiles([RANDOM_DRILL], { seed })).scenarios[0]!);
    const [first, again, other] = results as [ScenarioResult, ScenarioResult, ScenarioResult];
    for (const result of [first, again, other]) expect(result.status, result.reasons.join('; ')).toBe('passed');
    expect(again.seed).toBe(first.seed);
    expect(choices(again)).toEqual(choices(first));

    const replicas = (result: ScenarioResult) => choices(result).faults.map((f) => [f.target, f.status, f.replica]);
    expect(replicas(first)).toEqual([
      ['shop[1]', 'reverted', 'shop/shop-g1-1'],
      ['shop[2]', 'reverted', 'shop/shop-g1-2'],
      ['shop[2]', 'reverted', 'shop/shop-g1-2'],
      ['shop[2]', 'reverted', 'shop/shop-g1-2'],
      ['shop[0]', 'reverted', 'shop/shop-g1-0'],
    ]);
    expect(replicas(other)).toEqual([
      ['shop[2]', 'reverted', 'shop/shop-g1-2'],
      ['shop[0]', 'skipped', undefined],
      ['shop[2]', 'reverted', 'shop/shop-g1-2'],
      ['shop[0]', 'skipped', undefined],
      ['shop[0]', 'reverted', 'shop/shop-g1-0'],
    ]);
  });
});
