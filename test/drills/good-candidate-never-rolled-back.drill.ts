import { defineScenario, deploy, expectRollback, steady } from 'drillbit';

/** Negative drill: a good candidate gives the guard nothing to trip on, so `expectRollback` must fail. */
export default defineScenario({
  name: 'a candidate the guard has no reason to roll back',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' } } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  guard: { errorRate: { above: 0.05, for: '200ms' }, then: 'rollback' },
  steps: [deploy('shop', 'v1'), steady('300ms'), deploy('shop', 'v2'), expectRollback({ within: '700ms' })],
});
