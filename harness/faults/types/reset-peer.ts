import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `reset_peer` toxic as a fault: resets connections on a link after timeout ms (TCP RST). */
export const resetPeerFault = toxicFault('reset_peer', 'resets connections on a link after timeout ms (TCP RST)');
