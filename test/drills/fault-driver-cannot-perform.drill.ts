import { defineScenario, deploy, fault, steady, wait } from 'drillbit';

/**
 * Negative drill for the local driver: a memory-limit fault (containers only) that the
 * driver refuses at injection time. A drill whose fault never landed tested nothing.
 */
export default defineScenario({
  name: 'a fault the driver cannot inject',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' } } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'] },
  slo: { recoveryTime: '5s', availability: 0.9 },
  steps: [deploy('shop', 'v1'), steady('300ms'), fault.memoryLimit({ service: 'shop', replica: 0 }, { mb: 64 }, { for: '1s' }), wait('300ms')],
});
