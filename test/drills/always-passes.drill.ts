import { defineScenario, deploy, expectRollback, steady, verifyRestored } from 'drillbit';

/**
 * Positive control for the gate: a crash-on-boot candidate is rejected before it serves,
 * with an SLO no loaded machine misses (no latency target, availability 50%), so every
 * attempt passes and a gate's pass count is known before the run.
 */
export default defineScenario({
  name: 'a drill that always passes',
  services: { shop: { releases: { good: 'fixtures/shop/v1', crash: 'fixtures/shop/v2-crash' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '10s', availability: 0.5, dataLoss: 0 },
  steps: [deploy('shop', 'good'), steady('300ms'), deploy('shop', 'crash', { expect: 'rejected' }), expectRollback({ within: '5s' }), verifyRestored({ for: '300ms' })],
});
