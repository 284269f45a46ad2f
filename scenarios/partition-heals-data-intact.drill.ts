import { defineScenario, deploy, fault, steady, verifyRestored } from 'drillbit';

/**
 * shop loses stock for 2 s (a partition on the shop→stock link): orders fail while it
 * lasts, but none is acknowledged and lost; once the partition heals, service returns and
 * every acknowledged order reads back. About 2 s of 6 fail, so availability over the
 * whole drill is ~65%: the 50% objective has room for a slow machine.
 */
export default defineScenario({
  name: 'a partition heals and the data stays intact',
  services: {
    stock: { releases: { v1: 'fixtures/stock/v1' } },
    shop: { releases: { v1: 'fixtures/shop/v1-with-stock' }, replicas: 2, dependsOn: ['stock'] },
  },
  // One stock call per request: `/products` fans out to every product's stock (4 calls), which at
  // 100 requests/s collapses this 2-core machine into stock timeouts (see the dependency-slowdown example).
  traffic: { target: 'shop', rate: 100, reads: ['/products/p1', '/products/p2'], writes: '/orders', writeShare: 0.5 },
  slo: { recoveryTime: '5s', availability: 0.5, dataLoss: 0 },
  steps: [
    deploy('stock', 'v1'),
    deploy('shop', 'v1'),
    steady('2s'),
    fault.partition({ from: 'shop', to: 'stock' }, { mode: 'refuse' }, { for: '2s', wait: true }),
    verifyRestored({ for: '2s' }),
  ],
});
