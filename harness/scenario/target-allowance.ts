import { isIP } from 'node:net';
import { isLoopbackHost, normalHost, parseHostPort, type HostPort } from '../proxy/host-port.ts';

/**
 * Which hosts a drill may send traffic and faults to. Loopback always; any other host only
 * when the person running the drill names it (`--allow-target HOST` or `HOST:PORT`). Hosts
 * are compared as written, never resolved: a name that resolves to loopback today may not
 * tomorrow, so only `localhost` and loopback addresses count as loopback.
 */
export class TargetAllowance {
  private constructor(private readonly allowed: readonly HostPort[]) {}

  static readonly loopbackOnly = new TargetAllowance([]);

  /** `--allow-target` values: `HOST` (every port) or `HOST:PORT`. Throws a message naming the bad one. */
  static parse(values: readonly string[]): TargetAllowance {
    return new TargetAllowance(values.map(parseAllowTarget));
  }


  /** Why a drill may reach `address`, or undefined when it may not. */
  reason(address: HostPort): 'loopback' | '--allow-target' | undefined {
    if (isLoopbackHost(address.host)) return 'loopback';
    const host = normalHost(address.host);
    return this.allowed.some((a) => normalHost(a.host) === host && (a.port === 0 || a.port === address.port)) ? '--allow-target' : undefined;
  }

  /** The values as given, for messages. */
  describe(): string {
    return this.allowed.length ? this.allowed.map((a) => (a.port ? `${a.host}:${a.port}` : a.host)).join(', ') : 'none';
  }
}

/** One external dependency of a scenario, and why the drill may send its services' calls (and faults) there. */
export interface ExternalTarget {
  name: string;
  address: string;
  allowedBy: 'loopback' | '--allow-target';
}

/** An external dependency's address as a scenario writes it: `host:port`, port 1–65535, a host present. */
export function parseTargetAddress(text: string): HostPort | undefined {
  const parsed = parseHostPort(text);
  if (!parsed || parsed.host === '' || parsed.port === 0) return undefined;
  if (isIP(parsed.host) === 0 && !HOSTNAME_RE.test(parsed.host)) return undefined;
  return parsed;
}

const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** One `--allow-target` value: `HOST` (port 0: every port) or `HOST:PORT`. */
export function parseAllowTarget(value: string): HostPort {
  const text = value.trim();
  const withPort = parseTargetAddress(text);
  if (withPort) return withPort;
  const host = text.replace(/^\[(.*)\]$/, '$1');
  if (host && (isIP(host) !== 0 || HOSTNAME_RE.test(host))) return { host, port: 0 };
  throw new Error(`--allow-target expects a host (payments.internal, 10.0.0.5) or host:port, got ${JSON.stringify(value)}`);
}
