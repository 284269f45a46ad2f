import { execFile } from 'node:child_process';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { promisify } from 'node:util';
import { DrillbitError } from '../../errors.ts';
import { describeDockerError, isNotFound, type DockerEngine } from '../docker/docker-engine.ts';

/** What `docker network inspect bridge` says that the gateway can be found from. */
export interface BridgeNetworkInfo {
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
  Options?: Record<string, string>;
}

export type HostInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The address, and which evidence gave it (for the log), or every way tried (for the error). */
export type GatewayAnswer = { address: string; from: string } | { address?: undefined; tried: string[] };

/**
 * Where a task's container on the default bridge reaches the host. The IPAM config's
 * `Gateway` when the engine recorded one; a dockerd started while `docker0` already existed
 * records only `Subnet`, so then the bridge's own interface (`com.docker.network.bridge.name`)
 * on this host, and last the host address inside the bridge's subnet.
 */
export function findBridgeGateway(info: BridgeNetworkInfo, interfaces: HostInterfaces): GatewayAnswer {
  const tried: string[] = [];
  const configs = info.IPAM?.Config ?? [];
  const recorded = configs.find((c) => c.Gateway)?.Gateway;
  if (recorded) return { address: recorded, from: 'IPAM Gateway' };
  tried.push('IPAM config has no Gateway');

  const bridgeName = info.Options?.['com.docker.network.bridge.name'];
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

/** The default bridge network's gateway as the engine and this host show it; an infrastructure error (exit 3) naming what was tried. */
export async function bridgeGateway(engine: DockerEngine, interfaces?: HostInterfaces): Promise<string> {
  let info: BridgeNetworkInfo = {};
  try {
    info = (await engine.docker.getNetwork('bridge').inspect()) as BridgeNetworkInfo;
  } catch (error) {
    if (!isNotFound(error)) throw new DrillbitError('infrastructure', `docker: inspect network bridge: ${describeDockerError(error)}`, { cause: error });
    throw new DrillbitError('infrastructure', 'docker: the engine has no default bridge network; swarm tasks could not reach the link proxies on the host', {
      hint: 'start dockerd without --bridge=none',
    });
  }
  const answer = findBridgeGateway(info, interfaces ?? (await hostInterfaces()));
  if (answer.address !== undefined) return answer.address;
  throw new DrillbitError('infrastructure', `docker: no address of this host on the default bridge network (${answer.tried.join('; ')}); swarm tasks could not reach the link proxies on the host`, {
    hint: 'the swarm driver needs a local engine whose bridge (docker0) has an address: docker network inspect bridge; ip addr show docker0',
  });
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
