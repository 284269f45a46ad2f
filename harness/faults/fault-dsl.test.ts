import { describe, expect, it } from 'vitest';
import { validateScenario } from '../scenario/scenario-validator.ts';
import { fault, helperName } from './fault-dsl.ts';
import { faultTypeNames } from './fault-registry.ts';

describe('the fault.* helpers', () => {
  it('exist for every registered fault, under its camel-cased name, and nothing else', () => {
    expect(Object.keys(fault).sort()).toEqual(faultTypeNames().map(helperName).sort());
    for (const name of ['drain-node', 'scale-down', 'drift']) expect(Object.keys(fault), name).toContain(helperName(name));
    expect(helperName('crash-loop')).toBe('crashLoop');
  });

  it('make fault steps of their own type, with the parameters and options given', () => {
    for (const name of faultTypeNames()) {
      const step = (fault as Record<string, (target: string, params?: object, options?: object) => unknown>)[helperName(name)]!('shop', {}, { for: '1s' });
      expect(step, name).toEqual({ kind: 'fault', fault: name, target: 'shop', params: {}, for: '1s' });
    }
    const scenario = {
      name: 'latency', services: { shop: { releases: { v1: 'fixtures/shop/v1' }, dependsOn: ['stock'] }, stock: { releases: { v1: 'fixtures/stock/v1' } } },
      slo: { recoveryTime: '5s' },
      steps: [{ kind: 'deploy', service: 'stock', release: 'v1' }, { kind: 'deploy', service: 'shop', release: 'v1' }, fault.latency({ from: 'shop', to: 'stock' }, { latency: 1500 }, { for: '1s' })],
    };
    expect(validateScenario(scenario, 'x.drill.ts').problems).toEqual([]);
  });
});
