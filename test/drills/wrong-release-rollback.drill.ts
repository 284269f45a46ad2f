import { defineScenario, deploy, rollback, steady, verifyRestored } from 'drillbit';

/** Negative drill: the rollback goes to v2, not the LKG v1; LKG equality must fail it. */
export default defineScenario({
  name: 'rollback to the wrong release',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2', bad: 'fixtures/shop/v2-errors' }, lkg: 'v1' } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.5 },
  steps: [deploy('shop', 'v1'), steady('500ms'), deploy('shop', 'bad'), rollback('shop', { to: 'v2' }), verifyRestored({ for: '500ms', within: '2s' })],
});
