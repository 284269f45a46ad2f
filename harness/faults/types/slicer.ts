import { toxicFault } from './network-toxic.ts';

/** The fault proxy's `slicer` toxic as a fault: slices data on a link into small packets with a delay. */
export const slicerFault = toxicFault('slicer', 'slices data on a link into small packets with a delay');
