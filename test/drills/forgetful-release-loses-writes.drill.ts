import { defineScenario, deploy, rollback, steady, verifyRestored, wait } from 'drillbit';

/** Negative drill: a release acknowledges orders without persisting them; after rollback they are gone. */
export default defineScenario({
  name: 'acknowledged writes lost by a forgetful release',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', forgetful: 'fixtures/shop/v2-forgetful' } } },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders', writeShare: 0.5 },
  slo: { recoveryTime: '5s', availability: 0.9 },
  steps: [deploy('shop', 'v1'), steady('500ms'), deploy('shop', 'forgetful'), wait('1s'), rollback('shop'), verifyRestored({ for: '500ms' })],
});
