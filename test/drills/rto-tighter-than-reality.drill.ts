import { defineScenario, deploy, rollback, steady, verifyRestored } from 'drillbit';

/** Negative drill: a cold rollback (recreate, nothing warm) cannot restore within a 10 ms RTO. */
export default defineScenario({
  name: 'recovery slower than the RTO',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' }, strategy: 'recreate' } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '10ms', availability: 0.5 },
  steps: [deploy('shop', 'v1'), steady('500ms'), deploy('shop', 'v2'), steady('500ms'), rollback('shop'), verifyRestored({ for: '500ms' })],
});
