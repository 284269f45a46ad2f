import { defineScenario, deploy, expectRollback, fault, steady, verifyRestored } from 'drillbit';

/**
 * Negative drill: the guard catches the bad candidate and rolls back to the LKG, but every
 * request to the service is then refused at its address (an HTTP abort fault), so the LKG
 * is observed running and never serves within the SLO: detected, never restored.
 */
export default defineScenario({
  name: 'guard rolls back but the LKG never serves again',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-total-errors' } } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  guard: { errorRate: { above: 0.5, for: '200ms' }, then: 'rollback' },
  steps: [
    deploy('shop', 'v1'),
    steady('300ms'),
    deploy('shop', 'bad'),
    expectRollback({ within: '3s' }),
    fault.httpAbort('shop', { share: 1, status: 503 }, { for: '10s' }),
    verifyRestored({ for: '300ms', within: '1s' }),
  ],
});
