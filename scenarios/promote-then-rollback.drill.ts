import { defineScenario, deploy, promote, rollback, steady, verifyRestored } from 'drillbit';

/**
 * Release lineage, end to end: v1 is promoted once it holds steady, v2 replaces it and is
 * promoted in turn, then the service is rolled back to v1 — which becomes the LKG again.
 * The ledger (`drillbit ledger show`) tells the whole story: registrations, deploys, both
 * promotions with their gates, the rollback and its reason, and the drill's verdict.
 */
export default defineScenario({
  name: 'promote v1 then v2, roll back to v1',
  services: {
    shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' }, replicas: 2 },
  },
  traffic: { target: 'shop', rate: 50, reads: ['/products', '/orders'], writes: '/orders', writeShare: 0.3 },
  slo: { recoveryTime: '5s', availability: 0.99, p95: '500ms', dataLoss: 0 },
  steps: [
    deploy('shop', 'v1', { expect: 'healthy' }),
    steady('1s'),
    promote('shop', 'v1', { reason: 'v1 held steady under load' }),
    deploy('shop', 'v2', { expect: 'healthy' }),
    steady('1s'),
    promote('shop', 'v2', { reason: 'v2 held steady under load' }),
    rollback('shop', { to: 'v1' }),
    verifyRestored({ for: '1s' }),
  ],
});
