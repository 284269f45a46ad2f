import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { findBridgeGateway, type HostInterfaces } from './network-gateway.ts';

const iface = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask: '255.255.0.0', family: 'IPv4', mac: '02:42:00:00:00:00', internal, cidr: `${address}/16` }) as NetworkInterfaceInfo;

const hostWithDocker0: HostInterfaces = { lo: [iface('127.0.0.1', true)], eth0: [iface('10.0.2.15')], docker0: [iface('172.17.0.1')] };
const options = { 'com.docker.network.bridge.name': 'docker0', 'com.docker.network.bridge.default_bridge': 'true' };

// Shapes of `docker network inspect bridge` as dockerd writes them (the second one seen on this machine's dockerd 20.10).
describe('findBridgeGateway', () => {
  it('takes the IPAM Gateway when the engine recorded one', () => {
    expect(findBridgeGateway({ IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] }, Options: options }, {})).toEqual({ address: '172.17.0.1', from: 'IPAM Gateway' });
  });

  it('without a Gateway in IPAM, takes the address of the bridge interface the options name', () => {
    expect(findBridgeGateway({ IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] }, Options: options }, hostWithDocker0)).toEqual({ address: '172.17.0.1', from: 'interface docker0' });
  });

  it('for a network dockerd created, looks for its br-<id12> interface', () => {
    const host: HostInterfaces = { 'br-0123456789ab': [iface('172.19.0.1')] };
    expect(findBridgeGateway({ Id: '0123456789abcdef', IPAM: { Config: [{ Subnet: '172.19.0.0/16' }] } }, host)).toEqual({ address: '172.19.0.1', from: 'interface br-0123456789ab' });
  });

  it('without the interface name, takes the host address inside the subnet', () => {
    const host: HostInterfaces = { eth0: [iface('10.0.2.15')], br0: [iface('172.18.0.1')] };
    expect(findBridgeGateway({ IPAM: { Config: [{ Subnet: '172.18.0.0/16' }] } }, host)).toEqual({ address: '172.18.0.1', from: 'host address in subnet 172.18.0.0/16' });
  });

  it('names everything it tried when nothing gives an address', () => {
    const answer = findBridgeGateway({ IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] }, Options: options }, { eth0: [iface('10.0.2.15')] });
    expect(answer.address).toBeUndefined();
    expect('tried' in answer && answer.tried).toEqual(['IPAM config has no Gateway', 'interface docker0 has no IPv4 address on this host', 'no host address in subnet 172.17.0.0/16']);
  });

  it('does not take an address outside the subnet, nor a loopback one', () => {
    const host: HostInterfaces = { lo: [iface('127.0.0.1', true)], eth0: [iface('172.16.255.1')] };
    expect(findBridgeGateway({ IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] } }, host).address).toBeUndefined();
  });
});

describe('hostInterfaces', () => {
  it('lists an interface that is down with its address (docker0 before any container attaches), as `ip addr` shows it', async () => {
    const { execFileSync } = await import('node:child_process');
    const { hostInterfaces } = await import('./network-gateway.ts');
    const fromIp = JSON.parse(execFileSync('ip', ['-j', '-4', 'addr', 'show'], { encoding: 'utf8' })) as { ifname: string; addr_info: { local: string }[] }[];
    const listed = await hostInterfaces();
    for (const link of fromIp) expect(listed[link.ifname]?.map((i) => i.address)).toEqual(link.addr_info.map((a) => a.local));
    expect(listed.lo?.[0]).toMatchObject({ address: '127.0.0.1', internal: true });
  });
});
