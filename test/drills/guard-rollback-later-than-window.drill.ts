import { defineScenario, deploy, expectRollback, steady, verifyRestored, wait } from 'drillbit';

/**
 * Negative drill: the guard judges nothing before it has 75 samples (1.5 s of traffic at
 * 50/s), so its rollback comes well over 1.5 s after the rollout; the scenario asks for
 * 300 ms. By the time the expectation is judged the rollback has happened, only too late.
 */
export default defineScenario({
  name: 'guard rollback later than its window',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-total-errors' } } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.2 },
  guard: { errorRate: { above: 0.5, for: '3s', minSamples: 75 }, then: 'rollback' },
  steps: [deploy('shop', 'v1'), steady('300ms'), deploy('shop', 'bad'), wait('3.5s'), expectRollback({ within: '300ms' }), verifyRestored({ for: '300ms', within: '3s' })],
});
