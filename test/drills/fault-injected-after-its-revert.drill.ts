import { defineScenario, deploy, steady, wait } from 'drillbit';

/**
 * Negative drill for test/faults-check-doubles.test.ts, which registers the test double
 * `test-double-inject-outlives-revert` (test/fault-test-doubles.ts): a scheduled 1 ms HTTP
 * delay whose injection is still under way when the drill ends, and lands only after the
 * teardown has replayed its undo record. Not runnable without that test.
 */
export default defineScenario({
  name: 'a fault injected after its revert ran (test double)',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  faults: [{ fault: 'test-double-inject-outlives-revert', target: 'shop', params: { delayMs: 1 }, at: '1s', for: '10s' }],
  steps: [deploy('shop', 'v1'), steady('300ms'), wait('1s')],
});
