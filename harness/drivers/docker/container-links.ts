import { CLIENT, type DriverContext, type LinkSpec } from '../driver.ts';
import type { LinkProxy, NetworkFaultSurface } from '../fault-surface.ts';
import { linkName } from '../local/link-proxies.ts';
import { BridgeLinks } from './bridge-links.ts';
import type { DockerEngine } from './docker-engine.ts';
import type { AttemptNames } from './docker-names.ts';
import { FaultProxyContainer } from './fault-proxy-container.ts';
import { TcpRelay } from './tcp-relay.ts';
import type { HostPort } from '../../proxy/host-port.ts';

/** The run's link proxies as the environment uses them, whichever kind they are. */
export interface RunLinks extends NetworkFaultSurface {
  start(links: readonly LinkSpec[], gateway: string, upstreamOf: (service: string) => HostPort): Promise<void>;
  /** Resolves once every link proxy listens (a dependent is started only then); rejects with why one could not. */
  ready?(): Promise<void>;
  /** `host:port` of the link's proxy, as its `from` side reaches it. */
  address(from: string, to: string): string | undefined;
  close(): Promise<void>;
}

/** Ports the container's link proxies listen on, one per link, in the order links are declared. */
const FIRST_LINK_PORT = 10_000;
/** Longest `close` waits for a start in progress, so a container created late is still removed. */
const CLOSE_WAIT_MS = 20_000;

/**
 * Dependency links through the fault proxy running as a container on the run's network:
 * a dependent's containers reach `http://<proxy container>:<port>`, the toxics act inside
 * that container, and the host drives them over its admin API. The proxy forwards to a
 * relay on the network's gateway (a plain TCP pipe on the host), which forwards to the dependency's
 * front proxy — the service's stable address, which only the host can route. The traffic's
 * link (`client-><svc>`) stays on the host, on 127.0.0.1. The container starts in the
 * background (its address is known before it runs): `up()` does not wait for it, a dependent's
 * deploy and every fault on a link do.
 */
export class ContainerLinks implements RunLinks {
  private readonly host: BridgeLinks;
  private readonly relays: TcpRelay[] = [];
  private readonly container: FaultProxyContainer;
  private readonly remote = new Map<string, { address: string; proxy: LinkProxy }>();
  private starting: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly ctx: DriverContext,
    engine: DockerEngine,
    names: AttemptNames,
    /** The fault proxy image's ID (built or found in the background, from before the network exists). */
    private readonly image: () => Promise<string>,
  ) {
    this.host = new BridgeLinks(ctx);
    this.container = new FaultProxyContainer(ctx, engine, names);
  }

  async start(links: readonly LinkSpec[], gateway: string, upstreamOf: (service: string) => HostPort): Promise<void> {
    const unique = [...new Map(links.map((l) => [linkName(l.from, l.to), l])).values()];
    const dependencies = unique.filter((l) => l.from !== CLIENT);
    await this.host.start(unique.filter((l) => l.from === CLIENT), gateway, upstreamOf);
    if (dependencies.length === 0) return;
    const relays = new Map<string, string>();
    for (const to of new Set(dependencies.map((l) => l.to))) {
      const relay = new TcpRelay(upstreamOf(to));
      this.relays.push(relay);
      relays.set(to, await relay.listen(gateway));
    }
    for (const [i, link] of dependencies.entries()) {
      const name = linkName(link.from, link.to);
      this.remote.set(name, { address: `${this.container.name}:${FIRST_LINK_PORT + i}`, proxy: this.whenReady(name) });
    }
    this.starting = this.startContainer(dependencies, relays);
    this.starting.catch(() => undefined); // awaited by ready(), a dependent's deploy and every link operation
  }

  ready(): Promise<void> {
    return this.starting;
  }

  private async startContainer(dependencies: readonly LinkSpec[], relays: ReadonlyMap<string, string>): Promise<void> {
    const image = await this.image();
    if (this.closing) return;
    await this.container.start(image, Math.floor((this.ctx.random?.() ?? Math.random()) * 2 ** 31));
    for (const [i, link] of dependencies.entries()) {
      const name = linkName(link.from, link.to);
      await this.container.admin.createProxy({ name, listen: `0.0.0.0:${FIRST_LINK_PORT + i}`, upstream: relays.get(link.to)! });
      this.ctx.log.debug(`docker: link ${name} is at ${this.container.name}:${FIRST_LINK_PORT + i} (the fault proxy container)`);
    }
  }

  /** The link as the faults drive it, each call once the container's proxies listen. */
  private whenReady(name: string): LinkProxy {
    const proxy = async () => {
      await this.starting;
      return this.container.admin.link(name);
    };
    return {
      addToxic: async (toxic) => (await proxy()).addToxic(toxic),
      removeToxic: async (toxic) => (await proxy()).removeToxic(toxic),
      setEnabled: async (enabled) => (await proxy()).setEnabled(enabled),
    };
  }

  address(from: string, to: string): string | undefined {
    return this.remote.get(linkName(from, to))?.address ?? this.host.address(from, to);
  }

  inboundLinks(service: string): { from: string; to: string }[] {
    const remote = [...this.remote.keys()].map((name) => {
      const [from, to] = name.split('->') as [string, string];
      return { from, to };
    });
    return [...this.host.inboundLinks(service), ...remote.filter((l) => l.to === service)];
  }

  link(from: string, to: string): LinkProxy | undefined {
    return this.remote.get(linkName(from, to))?.proxy ?? this.host.link(from, to);
  }

  async close(): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.starting.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    await Promise.all([this.container.remove(), ...this.relays.map((r) => r.close()), this.host.close()]);
  }
}
