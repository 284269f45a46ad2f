import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/**
 * The sample stack from docker-compose.yml: the shop is under test (its releases come from
 * fixtures/, each built into an image and pinned by ID), the stock service is a dependency
 * started from its compose image (drillbit/stock:v1, `npx drillbit images build`) with
 * testcontainers, ready by its compose healthcheck. A shop release failing half its
 * requests goes out under load; the guard rolls it back and no acknowledged order is lost.
 * On `--driver swarm` the stock service is a Swarm service of its compose image, judged by its
 * compose healthcheck. Needs a container driver: on the local driver it is skipped.
 */
export default defineScenario({
  name: 'compose stack: a bad shop release is rolled back, stock from the compose file',
  environment: { compose: 'docker-compose.yml' },
  services: {
    shop: { releases: { good: 'fixtures/shop/v1-with-stock', bad: 'fixtures/shop/v2-errors-with-stock' }, replicas: 2 },
  },
  // One stock call per request (a product, an order's reservation): the shop->stock path has four hops through proxies.
  traffic: { target: 'shop', rate: 50, reads: ['/products/p1', '/products/p2'], writes: '/orders' },
  slo: { recoveryTime: '15s', availability: 0.9, dataLoss: 0 },
  // On swarm a rollback is a rolling update (a task start and a health check, ~1.5–2 s here) where
  // docker switches to the warm LKG in milliseconds: the candidate serves that much longer (83% measured).
  drivers: { swarm: { slo: { availability: 0.75 } } },
  guard: { errorRate: { above: 0.05, for: '2s' }, then: 'rollback' },
  steps: [
    deploy('shop', 'good'),
    steady('2s'),
    deploy('shop', 'bad'),
    expectRollback({ within: '5s', drivers: { swarm: { within: '8s' } } }),
    verifyRestored({ for: '2s' }),
  ],
});
