import { blockEventLoop as blockHarnessLoop } from '../../harness/health/test-support.ts';
import { defineScenario, deploy, rollback, steady, step, verifyRestored } from 'drillbit';

/** The harness saturated on purpose through a whole verification: its event loop blocked 350 ms of every 450, after a correct rollback. */
export default defineScenario({
  name: 'harness blocked during verification',
  services: { shop: { releases: { v1: 'fixtures/shop/v1', v2: 'fixtures/shop/v2' }, replicas: 1, lkg: 'v1' } },
  traffic: { target: 'shop', rate: 100, reads: ['/products'] },
  slo: { recoveryTime: '1s', availability: 0.99, p95: '250ms' },
  steps: [
    deploy('shop', 'v1'),
    deploy('shop', 'v2'),
    steady('500ms'),
    step('block the harness 350 ms of every 450 for 4 s', () => {
      const timer = setInterval(() => setImmediate(() => blockHarnessLoop(350)), 450);
      setTimeout(() => clearInterval(timer), 4_000);
    }),
    rollback('shop'),
    verifyRestored({ for: '1s', within: '3s' }),
  ],
});
