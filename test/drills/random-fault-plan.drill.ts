import { defineScenario, deploy, steady, verifyRestored } from 'drillbit';

/**
 * Every random choice a step fault can make, for the seed tests: each pause hits a replica
 * picked at random among three, and all but the first are injected or not by a seeded coin.
 * One at a time (each step waits for its revert), short, with a loose SLO: the drill passes
 * whatever the plan, so only the plan tells two seeds apart.
 */
export default defineScenario({
  name: 'a drill whose faults are chosen by its seed',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' }, replicas: 3 } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.5, dataLoss: 0 },
  steps: [
    deploy('shop', 'v1'),
    ...[1, 0.5, 0.5, 0.5, 0.5].map((probability) => ({ kind: 'fault' as const, fault: 'pause', target: { service: 'shop', replica: 'random' as const }, for: '100ms', probability, wait: true })),
    steady('300ms'),
    verifyRestored({ for: '300ms' }),
  ],
});
