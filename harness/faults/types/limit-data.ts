import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `limit_data` toxic as a fault: closes connections on a link after bytes bytes. */
export const limitDataFault = toxicFault('limit_data', 'closes connections on a link after bytes bytes');
