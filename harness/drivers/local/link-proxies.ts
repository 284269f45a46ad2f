import { ProxyServer } from '../../proxy/index.ts';
import type { ToxicProxy } from '../../proxy/index.ts';
import { formatHostPort, type HostPort } from '../../proxy/host-port.ts';
import type { DriverContext, LinkSpec } from '../driver.ts';
import type { LinkProxy, NetworkFaultSurface } from '../fault-surface.ts';

/**
 * The run's fault proxies, one per link (`shop->stock`, `client->shop`): a dependent
 * reaches its dependency, and the traffic its target, through them, so network toxics
 * and partitions act on exactly one path. Teardown closes them whatever happens.
 */
export class LinkProxies implements NetworkFaultSurface {
  private readonly server: ProxyServer;
  private readonly proxies = new Map<string, ToxicProxy>();

  constructor(private readonly ctx: DriverContext) {
    this.server = new ProxyServer({ random: ctx.random });
    ctx.teardown.defer('local: link proxies', () => this.server.close());
  }

  async start(links: readonly LinkSpec[], upstreamOf: (service: string) => HostPort): Promise<void> {
    for (const link of links) {
      if (this.proxies.has(linkName(link.from, link.to))) continue;
      const proxy = await this.server.create({ name: linkName(link.from, link.to), upstream: formatHostPort(upstreamOf(link.to)) });
      this.proxies.set(linkName(link.from, link.to), proxy);
      this.ctx.log.debug(`local: link ${linkName(link.from, link.to)} is at ${proxy.listen}`);
    }
  }

  /** `host:port` of the link's proxy, if the link goes through one. */
  address(from: string, to: string): string | undefined {
    return this.proxies.get(linkName(from, to))?.listen;
  }

  inboundLinks(service: string): { from: string; to: string }[] {
    return [...this.proxies.keys()].map(parseLinkName).filter((link) => link.to === service);
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

export function linkName(from: string, to: string): string {
  return `${from}->${to}`;
}

function parseLinkName(name: string): { from: string; to: string } {
  const [from, to] = name.split('->') as [string, string];
  return { from, to };
}
