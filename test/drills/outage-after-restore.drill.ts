import { defineScenario, deploy, fault, rollback, steady, verifyRestored, wait } from 'drillbit';

/**
 * Negative drill: a correct rollback to the LKG, then every request refused at the service's
 * address through the whole verification (1.5 s of outage, 1 s to verify in). The steady
 * window before and 3 s of good traffic after keep the steady state and the whole drill
 * (50 %) passing: only the verification window's SLIs fail.
 */
export default defineScenario({
  name: 'outage after the rollback',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' }, lkg: 'v1' } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.5 },
  steps: [
    deploy('shop', 'v1'),
    deploy('shop', 'v2'),
    steady('1s'),
    rollback('shop'),
    fault.httpAbort('shop', { share: 1, status: 503 }, { for: '1.5s' }),
    verifyRestored({ for: '300ms', within: '1s' }),
    wait('3s'),
  ],
});
