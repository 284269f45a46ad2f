import { describe, expect, it } from 'vitest';
import { validateScenario } from './scenario-validator.ts';
import { formatProblem } from './problem.ts';

const valid = {
  name: 'ok',
  services: { shop: { releases: { good: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-errors' } } },
  traffic: { target: 'shop', rate: 10 },
  slo: { recoveryTime: '5s' },
  steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'steady', for: '1s' }],
};

function problems(value: unknown): string[] {
  return validateScenario(value, 'x.drill.yaml').problems.map(formatProblem);
}

describe('validateScenario', () => {
  it('accepts a valid scenario and fills defaults', () => {
    const { scenario, problems } = validateScenario(valid, 'x.drill.yaml');
    expect(problems).toEqual([]);
    expect(scenario?.services.shop?.replicas).toBe(1);
    expect(scenario?.slo.availability).toBe(0.95);
    expect(Object.isFrozen(scenario)).toBe(true);
  });

  it('reports every problem at once, each with its path', () => {
    const found = problems({
      ...valid,
      traffic: { target: 'shop', rate: -1 },
      slo: { recoveryTime: 'soon' },
      steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'wait', for: '-5s' }, { kind: 'teleport' }],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^x\.drill\.yaml: traffic\.rate: /),
        expect.stringMatching(/^x\.drill\.yaml: slo\.recoveryTime: expected a duration like "5s"/),
        expect.stringMatching(/^x\.drill\.yaml: steps\[1\]\.for: expected a duration/),
        expect.stringMatching(/^x\.drill\.yaml: steps\[2\]\.kind: /),
      ]),
    );
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  it('names unknown services and releases with what exists', () => {
    const found = problems({ ...valid, traffic: { target: 'cart', rate: 1 }, steps: [{ kind: 'deploy', service: 'shop', release: 'v9' }, { kind: 'rollback', service: 'db' }] });
    expect(found).toContain('x.drill.yaml: traffic.target: unknown service "cart"; the scenario defines "shop"');
    expect(found).toContain('x.drill.yaml: steps[0].release: unknown release "v9" of service "shop"; it has "good", "bad"');
    expect(found).toContain('x.drill.yaml: steps[1].service: unknown service "db"; the scenario defines "shop"');
  });

  it('rejects wrong types, unknown fields and absurd values', () => {
    const found = problems({ ...valid, name: 42, services: { shop: { releases: { good: 'a' }, replicas: 1e9, colour: 'red' } }, steps: 'deploy' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^x\.drill\.yaml: name: /),
        expect.stringMatching(/^x\.drill\.yaml: services\.shop\.replicas: /),
        expect.stringMatching(/^x\.drill\.yaml: services\.shop: unknown field "colour"/),
        expect.stringMatching(/^x\.drill\.yaml: steps: /),
      ]),
    );
  });

  it('rejects a duration longer than a day', () => {
    expect(problems({ ...valid, steps: [...valid.steps, { kind: 'wait', for: '25h' }] })).toContain('x.drill.yaml: steps[2].for: duration "25h" is longer than 24h');
  });

  it('does not accept a non-object or a custom step without a function', () => {
    expect(problems(null)).toEqual([expect.stringMatching(/^x\.drill\.yaml: /)]);
    expect(problems({ ...valid, steps: [...valid.steps, { kind: 'custom', name: 'x', run: 'rm -rf /' }] })).toEqual([expect.stringMatching(/steps\[2\]\.run: expected a function/)]);
  });

  describe('external dependencies', () => {
    const withExternal = {
      ...valid,
      external: { stock: 'stock.internal:8080' },
      services: { shop: { releases: { good: 'fixtures/shop/v1' }, dependsOn: ['stock'] } },
      steps: [{ kind: 'deploy', service: 'shop', release: 'good' }, { kind: 'steady', for: '1s' }],
    };

    it('a service depends on one, and network faults act on its links', () => {
      const faults = [
        { at: '1s', fault: 'latency', target: { from: 'shop', to: 'stock' }, params: { latency: 100 }, for: '1s' },
        { at: '1s', fault: 'partition', target: 'stock', for: '1s' },
      ];
      expect(problems({ ...withExternal, faults })).toEqual([]);
    });

    it('is not a service: traffic, steps and process faults cannot name it, nor a link start at it', () => {
      const found = problems({
        ...withExternal,
        traffic: { target: 'stock', rate: 1 },
        steps: [...withExternal.steps, { kind: 'rollback', service: 'stock' }],
        faults: [
          { at: '1s', fault: 'kill', target: 'stock' },
          { at: '1s', fault: 'dependency-outage', target: { service: 'stock' }, for: '1s' },
          { at: '1s', fault: 'latency', target: { from: 'stock', to: 'shop' }, params: { latency: 1 } },
          { at: '1s', fault: 'partition', target: { from: 'shop', to: 'stock' }, params: { mode: 'disconnect' }, for: '1s' },
        ],
      });
      expect(found).toEqual(expect.arrayContaining([
        'x.drill.yaml: traffic.target: "stock" is an external dependency (external.stock): the drill does not run it; name a service of the scenario',
        'x.drill.yaml: steps[2].service: "stock" is an external dependency (external.stock): the drill does not run it; name a service of the scenario',
        expect.stringMatching(/^x\.drill\.yaml: faults\[0\]\.target: "stock" is an external dependency: the drill does not run it, so fault kill/),
        expect.stringMatching(/^x\.drill\.yaml: faults\[1\]\.target\.service: "stock" is an external dependency/),
        'x.drill.yaml: faults[2].target.from: "stock" is an external dependency: a link goes from a service of the drill to it',
        expect.stringMatching(/^x\.drill\.yaml: faults\[3\]\.params\.mode: "disconnect" takes the target's containers off/),
      ]));
    });

    it('a link fault to it needs the dependsOn; its name cannot be a service\'s or "client"; its address must be host:port', () => {
      const found = problems({
        ...withExternal,
        external: { stock: 'stock.internal', shop: '10.0.0.5:80', client: '10.0.0.6:80' },
        services: { shop: { releases: { good: 'fixtures/shop/v1' } } },
        faults: [{ at: '1s', fault: 'latency', target: { from: 'shop', to: 'stock' }, params: { latency: 1 } }],
      });
      expect(found).toEqual(expect.arrayContaining([
        'x.drill.yaml: external.stock: expected host:port (payments.internal:443, 10.0.0.5:5432), port 1 to 65535',
        expect.stringMatching(/^x\.drill\.yaml: external\.shop: "shop" is also a service of the scenario/),
        expect.stringMatching(/^x\.drill\.yaml: external\.client: "client" names the traffic's side of a link/),
        'x.drill.yaml: faults[0].target: "shop" does not depend on "stock"; add it to services.shop.dependsOn',
      ]));
    });
  });
});
