import { defineScenario, deploy, steady } from 'drillbit';

/** Negative drill, the twin of harness-blocked-during-steady: the service itself is 300 ms slow and the harness is healthy, so the window fails. */
export default defineScenario({
  name: 'slow service in a steady window',
  services: { shop: { releases: { slow: 'fixtures/shop/v2-slow' }, replicas: 2 } },
  traffic: { target: 'shop', rate: 100, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.99, p95: '250ms' },
  steps: [deploy('shop', 'slow'), steady('2s')],
});
