import { defineScenario, deploy, expectRollback, fault, steady, verifyRestored, wait } from 'drillbit';

/**
 * The drill `kill-stress.ts` kills at random points: every phase it has to survive — a
 * deploy of two services, a pause and a link latency in place, a disk filled, a bad
 * release that the guard rolls back, the verification — within about 10 s. A third
 * service's release leaves a detached process with an empty environment behind
 * (escaping-sidecar/): only its replica's containment stops it.
 */
export default defineScenario({
  name: 'kill stress: deploy, faults, guard rollback, verify',
  services: {
    stock: { releases: { v1: 'fixtures/stock/v1' } },
    sidecar: { releases: { v1: 'harness/stress/escaping-sidecar' } },
    shop: { releases: { good: 'fixtures/shop/v1-with-stock', bad: 'fixtures/shop/v2-errors-with-stock' }, replicas: 2, dependsOn: ['stock'] },
  },
  traffic: { target: 'shop', rate: 50, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.3, dataLoss: 0 },
  guard: { errorRate: { above: 0.05, for: '500ms' }, then: 'rollback' },
  steps: [
    deploy('stock', 'v1'),
    deploy('sidecar', 'v1'),
    deploy('shop', 'good'),
    steady('1s'),
    fault.pause({ service: 'shop', replica: 0 }, {}, { for: '2s', wait: false }),
    fault.latency({ from: 'shop', to: 'stock' }, { latency: 100 }, { for: '3s', wait: false }),
    fault.diskFill('shop', { mb: 4, reserveMb: 64 }, { for: '3s', wait: false }),
    wait('1s'),
    deploy('shop', 'bad'),
    expectRollback({ service: 'shop', within: '6s' }),
    verifyRestored({ for: '1s', within: '10s' }),
  ],
});
