import type { ProxyProtocol, ToxicType } from './toxic.ts';
import { bandwidth } from './toxics/bandwidth.ts';
import { httpAbort } from './toxics/http-abort.ts';
import { httpDelay } from './toxics/http-delay.ts';
import { latency } from './toxics/latency.ts';
import { limitData } from './toxics/limit-data.ts';
import { resetPeer } from './toxics/reset-peer.ts';
import { slicer } from './toxics/slicer.ts';
import { slowClose } from './toxics/slow-close.ts';
import { timeout } from './toxics/timeout.ts';

/** Every toxic type, by its Toxiproxy name. One explicit map: no registration by import side effect. */
export const TOXIC_TYPES: ReadonlyMap<string, ToxicType> = new Map(
  ([latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, httpAbort, httpDelay] as unknown as ToxicType[]).map((t) => [t.type, t]),
);

/** Whether a toxic type can act on a proxy of this protocol. */
export function supports(type: ToxicType, protocol: ProxyProtocol): boolean {
  return protocol === 'tcp' ? type.tcp !== undefined : type.http !== undefined;
}

export function typesFor(protocol: ProxyProtocol): string[] {
  return [...TOXIC_TYPES.values()].filter((t) => supports(t, protocol)).map((t) => t.type);
}
