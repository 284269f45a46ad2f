import { isIP } from 'node:net';
import type { AddressInfo, Server } from 'node:net';

export interface HostPort {
  /** Empty: every interface (Go's ":8474"). */
  host: string;
  port: number;
}

const HOST_PORT_RE = /^(?:\[([0-9A-Fa-f:.%\w]+)\]|([^:[\]\s]*)):(\d{1,5})$/;

/** `127.0.0.1:8474`, `localhost:0`, `[::1]:8474` or `:8474`; undefined when it is none of them. */
export function parseHostPort(text: string): HostPort | undefined {
  const match = HOST_PORT_RE.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

export function formatHostPort({ host, port }: HostPort): string {
  const shown = host === '' ? '::' : host;
  return shown.includes(':') ? `[${shown}]:${port}` : `${shown}:${port}`;
}

/** The address a server really listens on, as Toxiproxy reports it (`127.0.0.1:41234`). */
export function listenedAddress(address: AddressInfo | string | null): HostPort {
  if (address === null || typeof address === 'string') throw new Error(`not a TCP address: ${String(address)}`);
  return { host: address.address, port: address.port };
}

/** The host to connect to for a listen address (every interface → loopback). */
export function connectHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** Listens a server (net or http) on an address and resolves with where it really listens (port 0 → the real port). */
export function listenOn(server: Server, address: HostPort): Promise<HostPort> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address.host || undefined, port: address.port }, () => {
      server.off('error', reject);
      resolve(listenedAddress(server.address()));
    });
  });
}

/** Whether a host is this machine's loopback as written: `localhost`, `127.0.0.0/8`, `::1` (bracketed or not). Never resolved. */
export function isLoopbackHost(host: string): boolean {
  const h = normalHost(host);
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** A host as compared: no IPv6 brackets, no trailing dot, lower case. */
export function normalHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}
