import { defineScenario, deploy, fault, rollback, steady, verifyRestored } from 'drillbit';

/**
 * A replica of the last-known-good is SIGKILLed the moment the rollback switches to it:
 * the rollback must still end with every replica on the LKG, healthy, within the RTO.
 */
export default defineScenario({
  name: 'a replica killed during rollback still restores the LKG within the SLO',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' }, replicas: 2, lkg: 'v1' } },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '5s', availability: 0.9, dataLoss: 0 },
  steps: [
    deploy('shop', 'v1'),
    steady('1s'),
    deploy('shop', 'v2'),
    steady('1s'),
    rollback('shop'),
    fault.kill({ service: 'shop', replica: 0 }, {}, { for: '500ms' }),
    verifyRestored({ for: '1s' }),
  ],
});
