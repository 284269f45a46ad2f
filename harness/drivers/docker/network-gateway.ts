import { execFile } from 'node:child_process';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { promisify } from 'node:util';

/** What `docker network inspect <network>` says that the gateway can be found from. */
export interface BridgeNetworkInfo {
  Id?: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
  Options?: Record<string, string>;
}

export type HostInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The address, and which evidence gave it (for the log), or every way tried (for the error). */
export type GatewayAnswer = { address: string; from: string } | { address?: undefined; tried: string[] };

/**
 * Where a container on a bridge network reaches the host. The IPAM config's `Gateway` when
 * the engine recorded one; a dockerd started while `docker0` already existed records only
 * `Subnet` for the default bridge, so then the bridge's own interface on this host (the
 * `com.docker.network.bridge.name` option, else `br-<id12>`, dockerd's name for a network it
 * created), and last the host address inside the network's subnet.
 */
export function findBridgeGateway(info: BridgeNetworkInfo, interfaces: HostInterfaces): GatewayAnswer {
  const tried: string[] = [];
  const configs = info.IPAM?.Config ?? [];
  const recorded = configs.find((c) => c.Gateway)?.Gateway;
  if (recorded) return { address: recorded, from: 'IPAM Gateway' };
  tried.push('IPAM config has no Gateway');

  const bridgeName = info.Options?.['com.docker.network.bridge.name'] ?? (info.Id ? `br-${info.Id.slice(0, 12)}` : undefined);
  if (bridgeName) {
    const own = ipv4Of(interfaces[bridgeName]);
    if (own) return { address: own, from: `interface ${bridgeName}` };
    tried.push(`interface ${bridgeName} has no IPv4 address on this host`);
  } else {
    tried.push('no com.docker.network.bridge.name option');
  }

  const subnets = configs.map((c) => c.Subnet).filter((s): s is string => Boolean(s && parseCidr(s)));
  for (const subnet of subnets) {
    const inside = Object.values(interfaces).flatMap((list) => list ?? []).find((i) => i.family === 'IPv4' && !i.internal && inCidr(i.address, subnet));
    if (inside) return { address: inside.address, from: `host address in subnet ${subnet}` };
    tried.push(`no host address in subnet ${subnet}`);
  }
  if (subnets.length === 0) tried.push('no IPv4 subnet in IPAM config');
  return { tried };
}

/**
 * This host's IPv4 addresses by interface, down ones included: Node's `networkInterfaces()`
 * leaves out an interface without carrier, which `docker0` is until a container attaches.
 * From `ip -j -4 addr` (iproute2); Node's list where `ip` is missing.
 */
export async function hostInterfaces(): Promise<HostInterfaces> {
  try {
    const { stdout } = await promisify(execFile)('ip', ['-j', '-4', 'addr', 'show'], { timeout: 5000 });
    const links = JSON.parse(stdout) as { ifname: string; addr_info?: { family: string; local: string; prefixlen: number }[] }[];
    const found: HostInterfaces = {};
    for (const link of links) {
      found[link.ifname] = (link.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => ({
        address: a.local, netmask: '', family: 'IPv4', mac: '', internal: link.ifname === 'lo', cidr: `${a.local}/${a.prefixlen}`,
      }) as NetworkInterfaceInfo);
    }
    return found;
  } catch {
    return networkInterfaces();
  }
}

function ipv4Of(list: NetworkInterfaceInfo[] | undefined): string | undefined {
  return list?.find((i) => i.family === 'IPv4')?.address;
}

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) return undefined;
  const bits = Number(match[5]);
  const octets = match.slice(1, 5).map(Number);
  if (bits > 32 || octets.some((o) => o > 255)) return undefined;
  return { base: toNumber(octets), bits };
}

function inCidr(address: string, cidr: string): boolean {
  const range = parseCidr(cidr);
  const octets = address.split('.').map(Number);
  if (!range || octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return false;
  const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
  return ((toNumber(octets) & mask) >>> 0) === ((range.base & mask) >>> 0);
}

function toNumber(octets: number[]): number {
  return octets.reduce((n, o) => (n * 256 + o) >>> 0, 0);
}
