import { defineScenario, deploy, expectRollback, steady } from 'drillbit';

/** Negative drill: it expects a rollback but never rolls its candidate (`bad`) out, so there is nothing that could have been rolled back. */
export default defineScenario({
  name: 'expected rollback with no candidate',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-total-errors' }, lkg: 'v1' } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  steps: [deploy('shop', 'v1'), steady('300ms'), expectRollback({ within: '500ms' })],
});
