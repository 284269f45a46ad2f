import { defineScenario, deploy, fault, steady, wait } from 'drillbit';

/**
 * Negative drill: every request is refused for 1.5 s, and a 500 ms steady-state window sits
 * inside that outage. Around it, 3 s of good traffic keep the whole drill above its 50 %
 * availability: only the steady-state hypothesis fails.
 */
export default defineScenario({
  name: 'outage inside the steady-state window',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 50, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.5 },
  steps: [deploy('shop', 'v1'), wait('1.5s'), fault.httpAbort('shop', { share: 1, status: 503 }, { for: '1.5s' }), steady('500ms'), wait('2.5s')],
});
