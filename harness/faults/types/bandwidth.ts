import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `bandwidth` toxic as a fault: caps the rate of a link at rate KB/s. */
export const bandwidthFault = toxicFault('bandwidth', 'caps the rate of a link at rate KB/s');
