import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `latency` toxic as a fault: adds latency ± jitter ms to a link. */
export const latencyFault = toxicFault('latency', 'adds latency ± jitter ms to a link');
