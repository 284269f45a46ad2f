import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `slow_close` toxic as a fault: delays the close of connections on a link by delay ms. */
export const slowCloseFault = toxicFault('slow_close', 'delays the close of connections on a link by delay ms');
