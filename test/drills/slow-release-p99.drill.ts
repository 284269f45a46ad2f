import { defineScenario, deploy, steady } from 'drillbit';

/** Negative drill: an SLO that bounds only p99 (30 ms), and a release 300 ms slow on every request: the p99 bound fails, nothing else does. */
export default defineScenario({
  name: 'slow release against a p99 bound',
  services: { shop: { releases: { slow: 'fixtures/shop/v2-slow' } } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9, p99: '30ms' },
  steps: [deploy('shop', 'slow'), steady('1s')],
});
