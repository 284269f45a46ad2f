import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/** A candidate that crashes on boot must be rejected before it takes a single request. */
export default defineScenario({
  name: 'crash-on-boot candidate never takes traffic',
  services: {
    shop: { releases: { good: 'fixtures/shop/v1', crash: 'fixtures/shop/v2-crash' }, replicas: 2 },
  },
  traffic: { target: 'shop', rate: 50, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '5s', availability: 0.99, p95: '250ms', dataLoss: 0 },
  steps: [
    deploy('shop', 'good'),
    steady('1s'),
    deploy('shop', 'crash', { expect: 'rejected' }),
    // Swarm rejects the candidate itself, after its health check's start period (2 s) and 3 failed probes.
    expectRollback({ within: '5s', drivers: { swarm: { within: '8s' } } }),
    verifyRestored({ for: '1s' }),
  ],
});
