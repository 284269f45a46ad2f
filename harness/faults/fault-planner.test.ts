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
    for (let seed = 0; seed < 50; seed++) {
      for (const fault of planFaults(scenario, new SeededRandom(seed).derive('faults'))) {
        if (fault.target.kind === 'replica' && typeof fault.target.replica === 'number') expect(fault.target.replica).toBeLessThan(3);
        if (fault.atMs !== undefined) expect(fault.atMs).toBeGreaterThanOrEqual(1000);
        if (fault.atMs !== undefined) expect(fault.atMs).toBeLessThanOrEqual(9000);
      }
    }
  });
});
