import { defineScenario, deploy, rollback, steady, verifyRestored } from 'drillbit';

/** Negative drill, the twin of harness-blocked-during-verification: the LKG itself is 300 ms slow, so no stabilization window holds and the harness is healthy. */
export default defineScenario({
  name: 'slow LKG never stabilizes',
  services: { shop: { releases: { slow: 'fixtures/shop/v2-slow', v2: 'fixtures/shop/v2' }, replicas: 1, lkg: 'slow' } },
  traffic: { target: 'shop', rate: 100, reads: ['/products'] },
  slo: { recoveryTime: '1s', availability: 0.99, p95: '250ms' },
  steps: [deploy('shop', 'slow'), deploy('shop', 'v2'), steady('500ms'), rollback('shop'), verifyRestored({ for: '1s', within: '3s' })],
});
