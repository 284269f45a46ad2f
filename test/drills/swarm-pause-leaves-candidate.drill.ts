import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/**
 * Negative twin of scenarios/swarm-orchestrator-rollback.drill.ts (swarm only): the same
 * failing update with `failureAction: pause`. Swarm stops the update and rolls nothing
 * back, so the service is left half-updated — LKG equality must fail it.
 */
export default defineScenario({
  name: 'swarm pauses a failing update and leaves it half-done',
  services: {
    shop: {
      releases: { good: 'fixtures/shop/v1', unhealthy: 'fixtures/shop/v2-unhealthy' },
      replicas: 2,
      update: { parallelism: 1, order: 'start-first', monitor: '1s', failureAction: 'pause', maxFailureRatio: 0 },
    },
  },
  traffic: { target: 'shop', rate: 40, reads: ['/products'] },
  slo: { recoveryTime: '10s', availability: 0.5 },
  steps: [
    deploy('shop', 'good'),
    steady('1s'),
    deploy('shop', 'unhealthy'),
    expectRollback({ within: '10s' }),
    verifyRestored({ for: '1s', within: '5s' }),
  ],
});
