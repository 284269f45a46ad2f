import { describe, expect, it } from 'vitest';
import { validateScenario } from './scenario-validator.ts';

const base = { name: 'x', services: { shop: { releases: { v1: 'a', v2: 'b' } } }, slo: { recoveryTime: '1s' } };

describe('scenario validation of the ledger steps and fields', () => {
  it('names a promote before any deploy, an unknown release, a bad gate, and lkg with lkgFromLedger', () => {
    const { problems } = validateScenario(
      {
        ...base,
        services: { shop: { releases: { v1: 'a', v2: 'b' }, lkg: 'v1', lkgFromLedger: true } },
        steps: [
          { kind: 'promote', service: 'shop', release: 'v1' },
          { kind: 'deploy', service: 'shop', release: 'v1' },
          { kind: 'promote', service: 'shop', release: 'v9' },
          { kind: 'promote', service: 'shop', release: 'v1', gate: { minPassRate: 2 } },
          { kind: 'checkDrift', expect: 'maybe' },
        ],
      },
      'x.drill.json',
    );
    const lines = problems.map((p) => `${p.path}: ${p.message}`);
    expect(lines).toEqual(expect.arrayContaining([
      'steps[0]: promote of "shop" before any deploy of it',
      expect.stringMatching(/^steps\[2\]\.release: unknown release "v9" of service "shop"/),
      expect.stringMatching(/^steps\[3\]\.gate/),
      expect.stringMatching(/^steps\[4\]\.expect/),
      'services.shop.lkgFromLedger: set either lkg or lkgFromLedger, not both',
    ]));
  });

  it('accepts a pinned release and the new steps', () => {
    const pinned = { bundle: 'a', digest: `sha256:${'1'.repeat(64)}` };
    const { problems, scenario } = validateScenario({ ...base, services: { shop: { releases: { v1: pinned } } }, steps: [{ kind: 'deploy', service: 'shop', release: 'v1' }, { kind: 'promote', service: 'shop', release: 'v1', gate: 'production' }, { kind: 'checkDrift' }] }, 'x.drill.json');
    expect(problems).toEqual([]);
    expect(scenario?.steps[2]).toEqual({ kind: 'checkDrift', expect: 'none' });
    expect(validateScenario({ ...base, services: { shop: { releases: { v1: { bundle: 'a', digest: 'latest' } } } }, steps: [{ kind: 'deploy', service: 'shop', release: 'v1' }] }, 'x.drill.json').problems[0]?.message).toContain('expected a digest like "sha256:<64 hex digits>"');
  });
});
