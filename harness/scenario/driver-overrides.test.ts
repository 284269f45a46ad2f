import { describe, expect, it } from 'vitest';
import { scenarioSchema } from './schema.ts';
import { scenarioForDriver } from './driver-overrides.ts';
import { validateScenario } from './scenario-validator.ts';

const scenario = scenarioSchema.parse({
  name: 'per-driver targets',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-errors' } } },
  slo: { recoveryTime: '10s', availability: 0.9 },
  drivers: { swarm: { slo: { availability: 0.8, recoveryTime: '15s' } } },
  steps: [
    { kind: 'deploy', service: 'shop', release: 'v1' },
    { kind: 'deploy', service: 'shop', release: 'bad' },
    { kind: 'expectRollback', within: '5s', drivers: { swarm: { within: '8s' } } },
    { kind: 'verifyRestored', for: '2s', drivers: { docker: { within: '20s' } } },
  ],
});

describe('a scenario as one driver runs it', () => {
  it('replaces only the SLO targets and step windows the driver names, and lists each change', () => {
    const { scenario: onSwarm, overrides } = scenarioForDriver(scenario, 'swarm');
    expect(onSwarm.slo).toMatchObject({ availability: 0.8, recoveryTime: '15s', dataLoss: 0, stabilization: '1s' });
    expect(onSwarm.steps[2]).toEqual({ kind: 'expectRollback', within: '8s' });
    expect(onSwarm.steps[3]).toEqual({ kind: 'verifyRestored', for: '2s' });
    expect(overrides).toEqual(['slo.recoveryTime: 10s → 15s', 'slo.availability: 0.9 → 0.8', 'steps[2].within: 5s → 8s']);
    expect('drivers' in onSwarm).toBe(false);
    expect(scenarioForDriver(onSwarm, 'swarm').overrides).toEqual([]);
  });

  it('runs the scenario as written on a driver without a block', () => {
    const { scenario: local, overrides } = scenarioForDriver(scenario, 'local');
    expect(overrides).toEqual([]);
    expect(local.slo.availability).toBe(0.9);
    expect(local.steps[2]).toEqual({ kind: 'expectRollback', within: '5s' });
    expect(scenarioForDriver(scenario, 'docker').overrides).toEqual(['steps[3].within: (none) → 20s']);
  });

  it('rejects an unknown driver or a field the block cannot change, naming the path', () => {
    const { problems } = validateScenario({ ...scenario, drivers: { kubernetes: { slo: { availability: 0.5 } } }, steps: [{ kind: 'expectRollback', within: '5s', drivers: { swarm: { service: 'x' } } }] }, 'x.drill.yaml');
    const text = problems.map((p) => JSON.stringify(p)).join('\n');
    expect(text).toMatch(/"path":"drivers","message":"unknown field \\"kubernetes/);
    expect(text).toMatch(/"path":"steps\[0\]\.drivers\.swarm","message":"unknown field \\"service/);
  });
});
