import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/**
 * **swarm only**: the rollback is the orchestrator's own. The candidate never passes the
 * health check Swarm runs in each task; Swarm's rolling update (`failureAction: rollback`)
 * sees the failed task and rolls the service back to its previous spec. Drillbit only
 * watches: every running task must be back on the LKG image, with no order lost. Other
 * drivers skip it (they have no orchestrator to configure).
 */
export default defineScenario({
  name: 'swarm rolls a failing update back by itself',
  services: {
    shop: {
      releases: { good: 'fixtures/shop/v1', unhealthy: 'fixtures/shop/v2-unhealthy' },
      replicas: 2,
      update: { parallelism: 1, order: 'start-first', monitor: '1s', failureAction: 'rollback', maxFailureRatio: 0 },
    },
  },
  traffic: { target: 'shop', rate: 40, reads: ['/products'], writes: '/orders' },
  // Swarm's start-first update stops the old task of a slot once its new task *fails* (not only once it runs), so one
  // slot serves nothing until the rollback has started it again: availability is what the orchestrator gives.
  slo: { recoveryTime: '15s', availability: 0.9, dataLoss: 0 },
  steps: [
    deploy('shop', 'good'),
    steady('1s'),
    deploy('shop', 'unhealthy', { expect: 'rejected' }),
    expectRollback({ within: '30s' }),
    verifyRestored({ for: '1s' }),
  ],
});
