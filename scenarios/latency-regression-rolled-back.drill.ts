import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/** A release that adds 300 ms to every request: the latency guard must catch and roll it back. */
export default defineScenario({
  name: 'latency regression is detected and rolled back',
  services: {
    shop: { releases: { good: 'fixtures/shop/v1', slow: 'fixtures/shop/v2-slow' }, replicas: 2 },
  },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.99, dataLoss: 0 },
  guard: { latency: { percentile: 95, above: '150ms', for: '1s' }, then: 'rollback' },
  steps: [
    deploy('shop', 'good'),
    steady('1s'),
    deploy('shop', 'slow'),
    expectRollback({ within: '5s' }),
    verifyRestored({ for: '1s' }),
  ],
});
