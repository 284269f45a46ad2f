import { defineScenario, deploy, expectRollback, fault, steady, verifyRestored } from 'drillbit';

/**
 * The stock service slows down (1.5 s on the shop→stock link, past shop's 1 s timeout)
 * just as a new shop release rolls out: the guard sees the failures and rolls the rollout
 * back. Once the link heals, the LKG must be back within the RTO with no order lost.
 */
export default defineScenario({
  name: 'a dependency slowed down during a rollout trips the guard',
  services: {
    stock: { releases: { v1: 'fixtures/stock/v1' } },
    shop: { releases: { good: 'fixtures/shop/v1-with-stock', candidate: 'fixtures/shop/v2-with-stock' }, replicas: 2, dependsOn: ['stock'] },
  },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.5, dataLoss: 0 },
  // On swarm the rollout and the rollback are each a rolling update (~2 s here), and three tasks'
  // health probes plus 500 stock calls/s saturate this 2-core machine: availability 44–65%,
  // restore 9.5–10.3 s measured.
  drivers: { swarm: { slo: { recoveryTime: '20s', availability: 0.3 } } },
  guard: { errorRate: { above: 0.05, for: '1s' }, then: 'rollback' },
  steps: [
    deploy('stock', 'v1'),
    deploy('shop', 'good'),
    steady('3s'),
    deploy('shop', 'candidate'),
    fault.latency({ from: 'shop', to: 'stock' }, { latency: 1500 }, { for: '1500ms' }),
    expectRollback({ service: 'shop', within: '4s', drivers: { swarm: { within: '9s' } } }),
    verifyRestored({ for: '2s', within: '10s', drivers: { swarm: { within: '25s' } } }),
  ],
});
