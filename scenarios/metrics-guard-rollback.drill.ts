import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/**
 * The guard reads the service's own Prometheus counters (per replica, as Argo Rollouts'
 * analysis reads Prometheus): a candidate whose 5xx share rises above 5% is rolled back.
 */
export default defineScenario({
  name: "service's own metrics trip the guard",
  services: {
    shop: { releases: { good: 'fixtures/shop/v1', bad: 'fixtures/shop/v2-errors' }, replicas: 2 },
  },
  traffic: { target: 'shop', rate: 100, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.8, dataLoss: 0 },
  // On swarm a rollback is a rolling update (a task start and a health check, ~1.5 s here) where
  // local and docker switch to the warm LKG in milliseconds: the candidate serves that much longer.
  // Measured there: 85% over the whole drill.
  drivers: { swarm: { slo: { availability: 0.7 } } },
  guard: {
    metrics: {
      errors: 'shop_http_requests_total{code=~"5.."}',
      total: 'shop_http_requests_total{route!="/healthz",route!="/metrics"}',
      above: 0.05,
      for: '2s',
    },
    then: 'rollback',
  },
  steps: [deploy('shop', 'good'), steady('2s'), deploy('shop', 'bad'), expectRollback({ within: '5s', drivers: { swarm: { within: '8s' } } }), verifyRestored({ for: '2s' })],
});
