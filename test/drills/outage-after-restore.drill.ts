import { defineScenario, deploy, fault, rollback, steady, verifyRestored, wait } from 'drillbit';

/**
 * Negative drill: a correct rollback to the LKG, then every request refused at the service's
 * address through the whole verification (2.5 s of outage, 600 ms to verify in: its last
 * window ends over a second before the outage does). The steady window before and the good
 * traffic after keep the steady state and the whole drill (30 %) passing: only the
 * verification window's SLIs fail.
 */
export default defineScenario({
  name: 'outage after the rollback',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' }, lkg: 'v1' } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.3 },
  steps: [
    deploy('shop', 'v1'),
    deploy('shop', 'v2'),
    steady('1s'),
    rollback('shop'),
    fault.httpAbort('shop', { share: 1, status: 503 }, { for: '2.5s' }),
    verifyRestored({ for: '300ms', within: '600ms' }),
    wait('3s'),
  ],
});
