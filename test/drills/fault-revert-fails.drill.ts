import { defineScenario, deploy, injectFault, steady, wait } from 'drillbit';

/**
 * Negative drill for test/faults-check-doubles.test.ts, which registers the test double
 * `test-double-revert-fails` (test/fault-test-doubles.ts): a 1 ms HTTP delay whose revert
 * removes its rule and then reports a failure. Not runnable without that test.
 */
export default defineScenario({
  name: 'a fault whose revert fails (test double)',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  steps: [deploy('shop', 'v1'), steady('300ms'), injectFault('test-double-revert-fails', 'shop', { delayMs: 1 }, { for: '300ms', wait: true }), wait('200ms')],
});
