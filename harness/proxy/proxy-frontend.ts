import type { HostPort } from './host-port.ts';
import type { ToxicListener } from './toxic-collection.ts';
import type { Stream, Toxic } from './toxic.ts';

/** What a running proxy needs from its owner: where to forward, which toxics, which random source. */
export interface FrontendContext {
  readonly name: string;
  upstream(): HostPort;
  toxics(stream?: Stream): readonly Toxic[];
  random(): number;
}

/**
 * The listening side of an enabled proxy: TCP (tcp-frontend.ts) or HTTP (http-frontend.ts).
 * One instance per start; disabling closes it.
 */
export interface ProxyFrontend extends ToxicListener {
  /** Resolves with the address really listened on (port 0 → the kernel's choice). */
  listen(address: HostPort): Promise<HostPort>;
  /** Stops listening and destroys every connection; resolves promptly, idempotent. */
  close(): Promise<void>;
  /** Open client connections. */
  readonly connections: number;
}
