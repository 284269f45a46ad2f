import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { chance } from './chance.ts';
import { withDeadline } from './deadline.ts';
import { formatHostPort, listenOn, type HostPort } from './host-port.ts';
import type { FrontendContext, ProxyFrontend } from './proxy-frontend.ts';
import type { Toxic } from './toxic.ts';

const CLOSE_DEADLINE_MS = 2000;
// RFC 9110 §7.6.1; `expect` too, because node:http already answered `100 Continue`.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

/** What the toxics decided for one request. */
interface RequestPlan {
  abort?: { status: number; toxic: string };
  requestDelayMs: number;
  responseDelayMs: number;
}

/**
 * An HTTP reverse proxy (Drillbit extension, `protocol: "http"`): each request is
 * forwarded over a keep-alive pool, and the toxics decide per request — abort with a
 * status, delay the request (stream upstream) or the response (downstream). Toxicity is
 * drawn per client connection, as on TCP; `share` per request.
 */
export class HttpFrontend implements ProxyFrontend {
  private readonly server: Server;
  private readonly pool: Pool;
  /** Toxicity draws per client connection; a toxic's update is a new object, hence a new draw. */
  private readonly applies = new WeakMap<Socket, WeakMap<Toxic, boolean>>();
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;

  constructor(private readonly ctx: FrontendContext) {
    this.pool = new Pool(`http://${formatHostPort(ctx.upstream())}`, { connections: 256, pipelining: 1 });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 31_000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get connections(): number {
    return this.sockets.size;
  }

  listen(address: HostPort): Promise<HostPort> {
    return listenOn(this.server, address);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      await withDeadline(Promise.all([stopped, this.pool.destroy()]), CLOSE_DEADLINE_MS);
    })();
    return this.closing;
  }

  // Toxics are read per request, so changes need no work on live connections.
  added(): void {}
  async updated(): Promise<void> {}
  async removed(): Promise<void> {}

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const plan = this.plan(req.socket);
    try {
      if (plan.requestDelayMs > 0) await sleep(plan.requestDelayMs, undefined, { signal: abort.signal });
      if (plan.abort) {
        req.resume();
        return reply(res, plan.abort.status, { 'x-drillbit-fault': 'http_abort' }, `drillbit fault proxy ${this.ctx.name}: request aborted by toxic ${JSON.stringify(plan.abort.toxic)}\n`);
      }
      await this.forward(req, res, plan, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return void res.destroy();
      if (res.headersSent) return void res.destroy();
      reply(res, 502, { 'x-drillbit-error': 'upstream-unreachable' }, `drillbit fault proxy ${this.ctx.name}: upstream ${formatHostPort(this.ctx.upstream())} failed: ${detail(error)}\n`);
    }
  }

  private plan(socket: Socket): RequestPlan {
    const plan: RequestPlan = { requestDelayMs: 0, responseDelayMs: 0 };
    const random = () => this.ctx.random();
    for (const toxic of this.ctx.toxics()) {
      if (!toxic.type.http || !this.appliesTo(socket, toxic)) continue;
      const decision = toxic.type.http.request(toxic.attributes, random);
      if (decision.abortStatus !== undefined && !plan.abort) plan.abort = { status: decision.abortStatus, toxic: toxic.name };
      if (decision.delayMs) {
        if (toxic.stream === 'upstream') plan.requestDelayMs += decision.delayMs;
        else plan.responseDelayMs += decision.delayMs;
      }
    }
    return plan;
  }

  private appliesTo(socket: Socket, toxic: Toxic): boolean {
    let draws = this.applies.get(socket);
    if (!draws) this.applies.set(socket, (draws = new WeakMap()));
    let applies = draws.get(toxic);
    if (applies === undefined) draws.set(toxic, (applies = chance(toxic.toxicity, () => this.ctx.random())));
    return applies;
  }

  private async forward(req: IncomingMessage, res: ServerResponse, plan: RequestPlan, signal: AbortSignal): Promise<void> {
    const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) req.resume();
    const upstream = await this.pool.request({
      path: req.url ?? '/',
      method: (req.method ?? 'GET') as 'GET',
      headers: endToEnd(req.headers),
      body: hasBody ? req : null,
      signal,
    });
    try {
      if (plan.responseDelayMs > 0) await sleep(plan.responseDelayMs, undefined, { signal });
    } catch (error) {
      upstream.body.destroy();
      throw error;
    }
    res.writeHead(upstream.statusCode, endToEnd(upstream.headers as IncomingHttpHeaders));
    await pipeline(upstream.body, res);
  }
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = typeof headers.connection === 'string' ? headers.connection.toLowerCase().split(',').map((h) => h.trim()) : [];
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name) && !listed.includes(name)) out[name] = headers[name];
  return out;
}

function reply(res: ServerResponse, status: number, marker: Record<string, string>, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...marker });
  res.end(body);
}

function detail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message;
}
