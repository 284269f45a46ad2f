import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { HttpFaultRule } from '../fault-surface.ts';

/** A replica the proxy can route to. */
export interface Upstream {
  id: string;
  port: number;
}

// RFC 9110 §7.6.1; `expect` too, because this server already answered `100 Continue`.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

/**
 * The harness-owned stable address of a service. Each *request* (not connection) is
 * routed round-robin over the current pool, so `setPool` takes effect at once, even on
 * keep-alive client connections. Failures are never retried or hidden: no pool → 503,
 * an unreachable replica → 502, both marked with `x-drillbit-error`. HTTP fault rules
 * (abort with a status, delay) apply per request before routing; with none, a request
 * pays one length check.
 */
export class FrontProxy {
  private pool: readonly Upstream[] = [];
  private rules: readonly HttpFaultRule[] = [];
  private cursor = 0;
  private readonly server: Server;
  /** One keep-alive connection pool per replica port (undici: several times cheaper per request than node:http's client). */
  private readonly pools = new Map<number, Pool>();
  private closing: Promise<void> | undefined;
  private listening: URL | undefined;

  constructor(readonly service: string) {
    this.server = createServer((req, res) => this.route(req, res));
    // Longer than typical client idle timeouts, so a client never reuses a connection we are closing.
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 31_000;
  }

  /** Starts listening on 127.0.0.1 (port 0 unless given); returns the stable address. */
  async listen(port = 0): Promise<URL> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.listening = new URL(`http://127.0.0.1:${address.port}`);
    return this.listening;
  }

  get url(): URL {
    if (!this.listening) throw new Error(`front proxy of ${this.service} is not listening`);
    return new URL(this.listening);
  }

  /** Replaces the pool atomically: the next request goes to the new pool. */
  setPool(upstreams: readonly Upstream[]): void {
    if (this.closing) return;
    this.pool = Object.freeze([...upstreams]);
    this.dropUnusedPools();
  }

  get upstreams(): readonly Upstream[] {
    return this.pool;
  }

  /** Adds an HTTP fault rule; the returned function removes it (idempotent). */
  addFault(rule: HttpFaultRule): () => void {
    this.rules = Object.freeze([...this.rules, rule]);
    return () => {
      this.rules = Object.freeze(this.rules.filter((r) => r !== rule));
    };
  }

  get faults(): readonly HttpFaultRule[] {
    return this.rules;
  }

  /** Stops listening and drops every client and upstream connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.pool = [];
      const closed = this.server.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
      this.server.closeAllConnections();
      await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
      this.pools.clear();
      await closed;
    })();
    return this.closing;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (this.rules.length === 0) return this.dispatch(req, res);
    const { delayMs, abort } = drawFaults(this.rules);
    const act = () => {
      if (abort) return abortRequest(req, res, abort);
      this.dispatch(req, res);
    };
    if (delayMs === 0) return act();
    const timer = setTimeout(act, delayMs);
    res.once('close', () => clearTimeout(timer));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const pool = this.pool;
    if (pool.length === 0) {
      fail(res, 503, 'no-release', `drillbit: no release is serving ${this.service}\n`);
      req.resume();
      return;
    }
    const upstream = pool[this.cursor++ % pool.length]!;
    if (this.cursor >= Number.MAX_SAFE_INTEGER) this.cursor = 0;
    forward(req, res, upstream, this.connectionsTo(upstream.port));
  }

  private connectionsTo(port: number): Pool {
    let pool = this.pools.get(port);
    if (!pool) {
      pool = new Pool(`http://127.0.0.1:${port}`, { connections: 256, pipelining: 1 });
      this.pools.set(port, pool);
    }
    return pool;
  }

  /** Connections to replicas that left the pool close once their requests finish. */
  private dropUnusedPools(): void {
    const used = new Set(this.pool.map((u) => u.port));
    for (const [port, pool] of this.pools) {
      if (used.has(port)) continue;
      this.pools.delete(port);
      void pool.close().catch(() => undefined);
    }
  }
}

/** Envoy's fault filter order: every drawn delay adds up, then the first drawn abort answers. */
function drawFaults(rules: readonly HttpFaultRule[]): { delayMs: number; abort?: HttpFaultRule } {
  let delayMs = 0;
  let abort: HttpFaultRule | undefined;
  for (const rule of rules) {
    if (!(rule.random() < rule.share)) continue;
    delayMs += rule.delayMs ?? 0;
    if (rule.abortStatus !== undefined) abort ??= rule;
  }
  return { delayMs, abort };
}

function abortRequest(req: IncomingMessage, res: ServerResponse, rule: HttpFaultRule): void {
  req.resume();
  if (res.headersSent || res.destroyed) return;
  const body = `drillbit: fault ${rule.id} answered ${rule.abortStatus}\n`;
  res.writeHead(rule.abortStatus!, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-drillbit-fault': rule.id });
  res.end(body);
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: Upstream, pool: Pool): void {
  // A client that goes away must not leave the replica working for nobody.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) req.resume();
  pool
    .stream(
      { path: req.url ?? '/', method: req.method ?? 'GET', headers: endToEnd(req.headers), body: hasBody ? req : null, signal: abort.signal },
      ({ statusCode, headers }) => {
        res.writeHead(statusCode, endToEnd(headers as IncomingHttpHeaders));
        return res;
      },
    )
    .catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else fail(res, 502, 'upstream-unreachable', `drillbit: replica ${upstream.id} (127.0.0.1:${upstream.port}) of this service failed: ${errorDetail(error)}\n`);
    });
}

function errorDetail(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message;
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = headers.connection ? headers.connection.toLowerCase().split(',').map((h) => h.trim()) : [];
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed.includes(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

function fail(res: ServerResponse, status: number, kind: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-drillbit-error': kind });
  res.end(body);
}
