import { describe, expect, it } from 'vitest';
import { planFaults } from './fault-planner.ts';
import { validateScenario } from '../scenario/scenario-validator.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import type { Scenario } from '../scenario/schema.ts';

const scenario = validateScenario(
  {
    name: 'seeded',
    services: { shop: { releases: { v1: 'x' }, replicas: 3 } },
    slo: { recoveryTime: '5s' },
    steps: [
      { kind: 'deploy', service: 'shop', release: 'v1' },
      { kind: 'fault', fault: 'pause', target: 'shop', for: '1s', probability: 0.5 },
      { kind: 'fault', fault: 'kill', target: { service: 'shop', replica: 'random' } },
      { kind: 'fault', fault: 'cpu-hog', target: 'shop', for: '2s', params: { workers: 2 } },
    ],
    faults: Array.from({ length: 6 }, () => ({ at: { between: ['1s', '9s'] }, fault: 'pause', target: 'shop', for: '500ms', probability: 0.5 })),
  },
  'seeded.drill.yaml',
).scenario as Scenario;

describe('planFaults', () => {
  it('plans the same schedule for the same seed: times, targets and coin flips', () => {
    expect(scenario).toBeDefined();
    const first = planFaults(scenario, new SeededRandom(7).derive('faults'));
    const again = planFaults(scenario, new SeededRandom(7).derive('faults'));
    expect(again).toEqual(first);
    expect(first).toHaveLength(9);
    expect(first[2]).toMatchObject({ id: 'f3', fault: 'cpu-hog', target: { kind: 'service', service: 'shop' }, params: { workers: 2 }, durationMs: 2000, inject: true });
  });

  it('plans a different schedule for another seed', () => {
    const plans = [1, 2, 3, 4].map((seed) => JSON.stringify(planFaults(scenario, new SeededRandom(seed).derive('faults'))));
    expect(new Set(plans).size).toBeGreaterThan(1);
  });

  it('keeps random choices within their bounds', () => {
    const replicas = new Set<number>();
    const times: number[] = [];
    for (let seed = 0; seed < 50; seed++) {
      const plan = planFaults(scenario, new SeededRandom(seed).derive('faults'));
      // f1, f2 (a replica fault on a service, and replica: 'random') and the six scheduled pauses pick a replica.
      const replicaFaults = plan.filter((f) => f.id !== 'f3');
      expect(replicaFaults).toHaveLength(8);
      for (const fault of replicaFaults) {
        expect(fault.target).toMatchObject({ kind: 'replica', service: 'shop', replica: expect.any(Number) });
        const replica = (fault.target as { replica: number }).replica;
        expect(Number.isInteger(replica) && replica >= 0 && replica < 3, `${fault.id} replica ${replica}`).toBe(true);
        replicas.add(replica);
      }
      const scheduled = plan.filter((f) => 'schedule' in f.origin);
      expect(scheduled).toHaveLength(6);
      for (const fault of scheduled) {
        expect(fault.atMs).toBeGreaterThanOrEqual(1000);
        expect(fault.atMs).toBeLessThanOrEqual(9000);
        times.push(fault.atMs!);
      }
    }
    // The choices are really made: every replica gets picked, and the times spread over the range.
    expect([...replicas].sort()).toEqual([0, 1, 2]);
    expect(Math.min(...times)).toBeLessThan(2000);
    expect(Math.max(...times)).toBeGreaterThan(8000);
  });
});
