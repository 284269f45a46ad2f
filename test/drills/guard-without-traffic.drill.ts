import { defineScenario, deploy, rollback, verifyRestored, wait } from 'drillbit';

/** Negative drill: a guard with no traffic to judge protects nothing; its check is unknown, so the drill fails. */
export default defineScenario({
  name: 'guard with no traffic',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-total-errors' } } },
  traffic: { target: 'shop', rate: 0 },
  slo: { recoveryTime: '5s' },
  guard: { errorRate: { above: 0.05, for: '1s' } },
  steps: [deploy('shop', 'v1'), deploy('shop', 'bad'), wait('600ms'), rollback('shop'), verifyRestored({ for: '200ms' })],
});
