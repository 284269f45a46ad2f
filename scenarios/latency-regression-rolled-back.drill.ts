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
    // On swarm the rollout and the rollback are each a rolling update (~1.5–2 s here): 3.5–4.5 s measured.
    expectRollback({ within: '5s', drivers: { swarm: { within: '8s' } } }),
    verifyRestored({ for: '1s' }),
  ],
});
