import { defineScenario, deploy, steady } from 'drillbit';

/** Negative drill: its only fault is scheduled at 30 s, and the drill is over in about one: the fault never lands, so the drill tested nothing of it. */
export default defineScenario({
  name: 'a fault scheduled after the drill ends',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  faults: [{ fault: 'http-abort', target: 'shop', params: { share: 1, status: 503 }, at: '30s', for: '1s' }],
  steps: [deploy('shop', 'v1'), steady('300ms')],
});
