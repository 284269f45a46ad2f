import { defineScenario, deploy, injectFault, steady, wait } from 'drillbit';

/**
 * Negative drill: a file of the running release is edited in place (a drift fault: a hand
 * edit in production), so what runs is no longer what the ledger deployed. The service
 * still answers well; only the drift check can tell.
 */
export default defineScenario({
  name: 'release edited behind the ledger',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  steps: [deploy('shop', 'v1'), steady('300ms'), injectFault('drift', { service: 'shop', replica: 0 }, { kind: 'file', path: 'server.mjs' }), wait('300ms')],
});
