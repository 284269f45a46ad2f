import { describe, expect, it } from 'vitest';
import { runDrillFiles } from './drill-harness.ts';

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
});
