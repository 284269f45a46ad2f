import { ProxyServer, type ToxicProxy } from '../../proxy/index.ts';
import { CLIENT, type DriverContext, type LinkSpec } from '../driver.ts';
import type { LinkProxy, NetworkFaultSurface } from '../fault-surface.ts';
import { linkName } from '../local/link-proxies.ts';
import { formatHostPort, type HostPort } from '../../proxy/host-port.ts';

/**
 * The run's fault proxies for a container environment, one per link, on the host: a
 * dependency link (`shop->stock`) listens on the network's gateway address, which is
 * where the dependent's containers reach the host; the traffic's link (`client->shop`)
 * listens on 127.0.0.1. Each forwards to its target's front proxy, so network toxics and
 * partitions act on exactly one path, as with the local driver.
 */
export class BridgeLinks implements NetworkFaultSurface {
  private readonly server: ProxyServer;
  private readonly proxies = new Map<string, ToxicProxy>();

  constructor(private readonly ctx: DriverContext) {
    this.server = new ProxyServer({ random: ctx.random });
  }

  async start(links: readonly LinkSpec[], gateway: string, upstreamOf: (service: string) => HostPort): Promise<void> {
    for (const link of links) {
      const name = linkName(link.from, link.to);
      if (this.proxies.has(name)) continue;
      const host = link.from === CLIENT ? '127.0.0.1' : gateway;
      const proxy = await this.server.create({ name, listen: `${host}:0`, upstream: formatHostPort(upstreamOf(link.to)) });
      this.proxies.set(name, proxy);
      this.ctx.log.debug(`docker: link ${name} is at ${proxy.listen}`);
    }
  }

  /** `host:port` of the link's proxy, as its `from` side reaches it. */
  address(from: string, to: string): string | undefined {
    return this.proxies.get(linkName(from, to))?.listen;
  }

  inboundLinks(service: string): { from: string; to: string }[] {
    return [...this.proxies.keys()].map((name) => {
      const [from, to] = name.split('->') as [string, string];
      return { from, to };
    }).filter((link) => link.to === service);
  }

  link(from: string, to: string): LinkProxy | undefined {
    const proxy = this.proxies.get(linkName(from, to));
    if (!proxy) return undefined;
    return {
      addToxic: (toxic) => void proxy.addToxic(toxic),
      removeToxic: async (name) => void (await proxy.removeToxic(name)),
      setEnabled: (enabled) => proxy.update({ enabled }),
    };
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
