import { blockEventLoop as blockHarnessLoop } from '../../harness/health/test-support.ts';
import { defineScenario, deploy, steady, step } from 'drillbit';

/** The harness saturated on purpose: its own event loop is blocked for 600 ms inside a steady window of a good release. */
export default defineScenario({
  name: 'harness blocked during a steady window',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' }, replicas: 2 } },
  traffic: { target: 'shop', rate: 100, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.99, p95: '250ms' },
  steps: [
    deploy('shop', 'v1'),
    step('block the harness 700 ms into the next window', () => void setTimeout(() => setImmediate(() => blockHarnessLoop(600)), 700)),
    steady('2s'),
  ],
});
