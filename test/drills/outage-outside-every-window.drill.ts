import { defineScenario, deploy, fault, steady } from 'drillbit';

/**
 * Negative drill: the steady-state window holds, then every request is refused for 2 s with
 * no window of its own watching: only the whole drill's SLIs (well under 90 %) can fail it.
 */
export default defineScenario({
  name: 'outage outside every window',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  steps: [deploy('shop', 'v1'), steady('500ms'), fault.httpAbort('shop', { share: 1, status: 503 }, { for: '2s', wait: true })],
});
