import { defineScenario, deploy, fault, wait } from 'drillbit';

/**
 * Not a drill to pass: test/faults-kill-and-clean.test.ts SIGKILLs the run while these
 * long faults (a paused replica, a filled disk, a busy core) are in place, and proves the
 * watchdog or `drillbit clean` leaves nothing of them behind.
 */
export default defineScenario({
  name: 'long faults outlive a killed run',
  services: { shop: { releases: { v1: 'fixtures/shop/v1' }, replicas: 2 } },
  traffic: { target: 'shop', rate: 20, reads: ['/products'], writes: '/orders' },
  slo: { recoveryTime: '5s', availability: 0.5 },
  steps: [
    deploy('shop', 'v1'),
    fault.pause({ service: 'shop', replica: 0 }, {}, { for: '60s' }),
    fault.diskFill('shop', { mb: 8, reserveMb: 64 }, { for: '60s' }),
    fault.cpuHog('shop', { workers: 1 }, { for: '60s' }),
    wait('60s'),
  ],
});
