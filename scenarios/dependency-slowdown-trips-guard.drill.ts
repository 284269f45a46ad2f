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
  // One stock call per request (a product, an order's reservation): `/products` would fan out to every
  // product's stock, 4 calls a request through two proxies, which collapses this 2-core machine into
  // timeouts at 100 requests/s before any fault (availability 30–45% in the steady state, 1 run in 3).
  traffic: { target: 'shop', rate: 100, reads: ['/products/p1', '/products/p2'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.5, dataLoss: 0 },
  // On swarm the rollout and the rollback are each a rolling update (~1.5–2 s here), and three tasks'
  // health probes (a docker exec each) load the 2 cores: the guard's rollback lands 5.3–7.2 s after
  // the rollout's start and the restore takes 3.3–6.5 s, measured.
  drivers: { swarm: { slo: { recoveryTime: '15s' } } },
  guard: { errorRate: { above: 0.05, for: '1s' }, then: 'rollback' },
  steps: [
    deploy('stock', 'v1'),
    deploy('shop', 'good'),
    steady('3s'),
    deploy('shop', 'candidate'),
    fault.latency({ from: 'shop', to: 'stock' }, { latency: 1500 }, { for: '1500ms' }),
    expectRollback({ service: 'shop', within: '4s', drivers: { swarm: { within: '9s' } } }),
    verifyRestored({ for: '2s', within: '10s', drivers: { swarm: { within: '20s' } } }),
  ],
});
