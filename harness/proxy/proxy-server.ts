import { withDeadline } from './deadline.ts';
import { formatHostPort } from './host-port.ts';
import { parseProxyConfig, sameAddress, type ProxyConfig, type ProxyUpdate } from './proxy-config.ts';
import { badRequest, ProxyError, proxyExists, proxyNotFound } from './proxy-error.ts';
import { ToxicProxy } from './toxic-proxy.ts';

const CLOSE_DEADLINE_MS = 5000;

export interface ProxyServerOptions {
  /** Every proxy's random source (toxicity, jitter, slicing, share). Default Math.random. */
  random?: () => number;
}

/**
 * The proxies of one process, by name (Toxiproxy's ProxyCollection): what the admin API
 * drives, and what the local driver uses in-process.
 */
export class ProxyServer {
  private readonly proxies = new Map<string, ToxicProxy>();
  private readonly random: () => number;
  private closing: Promise<void> | undefined;

  constructor(options: ProxyServerOptions = {}) {
    this.random = options.random ?? Math.random;
  }

  /** Creates a proxy and, unless `enabled: false`, starts it. Throws 409 when the name is taken, 400 on bad fields, 500 when it cannot listen. */
  async create(config: ProxyConfig): Promise<ToxicProxy> {
    this.assertOpen();
    const proxy = new ToxicProxy(config, { random: this.random });
    if (this.proxies.has(proxy.name)) throw proxyExists(proxy.name);
    this.proxies.set(proxy.name, proxy);
    try {
      if (config.enabled !== false) await proxy.start();
      return proxy;
    } catch (error) {
      this.proxies.delete(proxy.name);
      await proxy.close();
      throw error;
    }
  }

  get(name: string): ToxicProxy | undefined {
    return this.proxies.get(name);
  }

  /** The proxy, or a 404 ProxyError. */
  require(name: string): ToxicProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound(name);
    return proxy;
  }

  list(): ToxicProxy[] {
    return [...this.proxies.values()];
  }

  async update(name: string, update: ProxyUpdate): Promise<ToxicProxy> {
    const proxy = this.require(name);
    await proxy.update(update);
    return proxy;
  }

  /** Stops and forgets a proxy; false when there was none. */
  async delete(name: string): Promise<boolean> {
    const proxy = this.proxies.get(name);
    if (!proxy) return false;
    this.proxies.delete(name);
    await proxy.close();
    return true;
  }

  /** Toxiproxy's /reset: every proxy enabled, every toxic removed. */
  async reset(): Promise<void> {
    await Promise.all(
      this.list().map(async (proxy) => {
        await proxy.start();
        await proxy.resetToxics();
      }),
    );
  }

  /**
   * Toxiproxy's /populate: validates every entry first, then creates each proxy, or
   * replaces one whose listen or upstream differs; others are left as they are (enabled as asked).
   */
  async populate(configs: unknown): Promise<ToxicProxy[]> {
    if (!Array.isArray(configs)) throw badRequest('expected a JSON array of proxies');
    const parsed = configs.map((config, i) => {
      try {
        return { config: config as ProxyConfig, normalized: parseProxyConfig(config) };
      } catch (error) {
        throw error instanceof ProxyError ? new ProxyError(error.status, `${error.message} (proxy ${i + 1})`) : error;
      }
    });
    const names = new Set<string>();
    for (const { normalized } of parsed) {
      if (names.has(normalized.name)) throw badRequest(`duplicate proxy name ${JSON.stringify(normalized.name)}`);
      names.add(normalized.name);
    }
    const result: ToxicProxy[] = [];
    for (const { config, normalized } of parsed) {
      const existing = this.proxies.get(normalized.name);
      const unchanged = existing && existing.protocol === normalized.protocol && sameAddress(existing.address, normalized.listen) && existing.upstream === formatHostPort(normalized.upstream);
      if (existing && unchanged) {
        await existing.update({ enabled: normalized.enabled });
        result.push(existing);
        continue;
      }
      if (existing) await this.delete(normalized.name);
      result.push(await this.create(config));
    }
    return result;
  }

  /** Stops every proxy and destroys every connection; resolves within a few seconds whatever happens. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const all = this.list();
      this.proxies.clear();
      await withDeadline(Promise.all(all.map((p) => p.close())), CLOSE_DEADLINE_MS);
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private assertOpen(): void {
    if (this.closing) throw new ProxyError(500, 'the proxy server is closed');
  }
}
