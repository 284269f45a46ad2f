import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `timeout` toxic as a fault: stops data on a link and closes after timeout ms (0: holds it until the peer closes). */
export const timeoutFault = toxicFault('timeout', 'stops data on a link and closes after timeout ms (0: holds it until the peer closes)');
