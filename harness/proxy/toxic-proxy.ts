import { formatHostPort, type HostPort } from './host-port.ts';
import { HttpFrontend } from './http-frontend.ts';
import { parseProxyConfig, parseProxyUpdate, sameAddress, type ProxyConfig, type ProxyUpdate } from './proxy-config.ts';
import { ProxyError, toxicNotFound } from './proxy-error.ts';
import type { FrontendContext, ProxyFrontend } from './proxy-frontend.ts';
import { TcpFrontend } from './tcp-frontend.ts';
import { ToxicCollection } from './toxic-collection.ts';
import { toxicView, type ProxyProtocol, type ToxicInput, type ToxicView } from './toxic.ts';

/** A proxy as the admin API shows it (Toxiproxy's shape, plus `protocol`). */
export interface ProxyView {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicView[];
  protocol: ProxyProtocol;
}

export interface ToxicProxyOptions {
  /** Toxicity, jitter, slicing and `share` draws. Default Math.random; pass a seeded one to replay. */
  random?: () => number;
}

/**
 * One fault proxy: listens on `listen`, forwards each connection (TCP) or request (HTTP)
 * to `upstream` through its toxics. Disabled = down: not listening (connections refused),
 * existing connections closed. Lifecycle calls are serialized; `close()` is final and idempotent.
 */
export class ToxicProxy {
  readonly name: string;
  readonly protocol: ProxyProtocol;
  private listenAt: HostPort;
  private upstreamAt: HostPort;
  private frontend: ProxyFrontend | undefined;
  private readonly toxicList: ToxicCollection;
  private readonly random: () => number;
  private lifecycle: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Validates the config (throws a 400 ProxyError naming the field); call `start()` to listen. */
  constructor(config: ProxyConfig, options: ToxicProxyOptions = {}) {
    const normalized = parseProxyConfig(config);
    this.name = normalized.name;
    this.protocol = normalized.protocol;
    this.listenAt = normalized.listen;
    this.upstreamAt = normalized.upstream;
    this.random = options.random ?? Math.random;
    this.toxicList = new ToxicCollection(this.protocol, () => this.frontend);
  }

  /** `host:port` listened on: the real port once started with port 0. */
  get listen(): string {
    return formatHostPort(this.listenAt);
  }

  get address(): HostPort {
    return { ...this.listenAt };
  }

  get upstream(): string {
    return formatHostPort(this.upstreamAt);
  }

  get enabled(): boolean {
    return this.frontend !== undefined;
  }

  /** Open client connections (TCP) or client sockets (HTTP). */
  get connections(): number {
    return this.frontend?.connections ?? 0;
  }

  /** Starts listening; a no-op when enabled. Throws a 500 ProxyError when the address cannot be listened on. */
  start(): Promise<void> {
    return this.serialize(() => this.startNow());
  }

  /** Stops listening and closes every connection; a no-op when disabled. */
  stop(): Promise<void> {
    return this.serialize(() => this.stopNow());
  }

  /** Toxiproxy's update: a new listen or upstream restarts the proxy (dropping connections); `enabled` starts or stops it. */
  update(update: ProxyUpdate): Promise<void> {
    const parsed = parseProxyUpdate(update, this.protocol);
    return this.serialize(async () => {
      const moved = (parsed.listen && !sameAddress(parsed.listen, this.listenAt)) || (parsed.upstream && !sameAddress(parsed.upstream, this.upstreamAt));
      const wasEnabled = this.enabled;
      if (moved) {
        await this.stopNow();
        this.listenAt = parsed.listen ?? this.listenAt;
        this.upstreamAt = parsed.upstream ?? this.upstreamAt;
      }
      if (parsed.enabled ?? wasEnabled) await this.startNow();
      else await this.stopNow();
    });
  }

  /** Adds a toxic; it applies at once to new and live connections. Throws a ProxyError (400 bad toxic, 409 name taken). */
  addToxic(input: ToxicInput): ToxicView {
    return toxicView(this.toxicList.add(input));
  }

  /** Merges `attributes` and sets `toxicity`; live connections switch to it. Throws 404 for an unknown toxic. */
  async updateToxic(name: string, update: { toxicity?: number; attributes?: Record<string, unknown> }): Promise<ToxicView> {
    return toxicView(await this.toxicList.update(name, update));
  }

  /** Removes a toxic; resolves once live connections no longer hold data in it. False when there was none. */
  removeToxic(name: string): Promise<boolean> {
    return this.toxicList.remove(name);
  }

  getToxic(name: string): ToxicView {
    const toxic = this.toxicList.get(name);
    if (!toxic) throw toxicNotFound(name);
    return toxicView(toxic);
  }

  toxics(): ToxicView[] {
    return this.toxicList.views();
  }

  /** Removes every toxic. */
  resetToxics(): Promise<void> {
    return this.toxicList.reset();
  }

  toJSON(): ProxyView {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics: this.toxics(), protocol: this.protocol };
  }

  /** Stops for good: later starts are refused. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    return this.serialize(() => this.stopNow());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async startNow(): Promise<void> {
    if (this.frontend) return;
    if (this.closed) throw new ProxyError(500, `proxy ${JSON.stringify(this.name)} was closed`);
    const frontend = this.protocol === 'http' ? new HttpFrontend(this.context()) : new TcpFrontend(this.context());
    try {
      this.listenAt = await frontend.listen(this.listenAt);
    } catch (error) {
      await frontend.close();
      const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'address already in use' : (error as Error).message;
      throw new ProxyError(500, `listen ${formatHostPort(this.listenAt)}: ${reason}`, { cause: error, hint: 'choose another port, or port 0 for a free one' });
    }
    this.frontend = frontend;
  }

  private async stopNow(): Promise<void> {
    const frontend = this.frontend;
    this.frontend = undefined;
    await frontend?.close();
  }

  private context(): FrontendContext {
    return {
      name: this.name,
      upstream: () => this.upstreamAt,
      toxics: (stream) => this.toxicList.list(stream),
      random: this.random,
    };
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(work, work);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }
}
