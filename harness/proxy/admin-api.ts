import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { withDeadline } from './deadline.ts';
import { formatHostPort, listenedAddress, parseHostPort, connectHost, type HostPort } from './host-port.ts';
import { badRequest, ProxyError, proxyNotFound, toxicNotFound } from './proxy-error.ts';
import type { ProxyServer } from './proxy-server.ts';

const MAX_BODY_BYTES = 1024 * 1024;
const CLOSE_DEADLINE_MS = 2000;

type Handler = (params: string[], body: () => Promise<unknown>) => Promise<Reply>;
interface Reply {
  status: number;
  body?: unknown;
}
interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
}

export interface AdminApiOptions {
  /** Shown by GET /version. */
  version?: string;
}

/**
 * Toxiproxy's HTTP API over a ProxyServer: the same paths, JSON shapes, status codes and
 * `{"error": "...", "status": N}` bodies (Toxiproxy's api.go), so its clients drive it.
 */
export class AdminApi {
  private readonly server: Server;
  private readonly routes: Route[];
  private address: HostPort | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly proxies: ProxyServer,
    private readonly options: AdminApiOptions = {},
  ) {
    this.routes = this.buildRoutes();
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Listens (`127.0.0.1:8474` by default; port 0 for a free one) and returns the API's base URL. */
  listen(address: HostPort | string = '127.0.0.1:8474'): Promise<URL> {
    const at = typeof address === 'string' ? parseHostPort(address) : address;
    if (!at) return Promise.reject(badRequest(`listen: expected "host:port", got ${JSON.stringify(address)}`));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: at.host || undefined, port: at.port }, () => {
        this.server.off('error', reject);
        this.address = listenedAddress(this.server.address());
        resolve(this.url);
      });
    });
  }

  /** The base URL clients use (`http://127.0.0.1:8474`). */
  get url(): URL {
    if (!this.address) throw new Error('the admin API is not listening');
    return new URL(`http://${formatHostPort({ host: connectHost(this.address.host), port: this.address.port })}`);
  }

  /** Stops the API (not the proxies: close the ProxyServer for that). Idempotent, prompt. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = this.server.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
      this.server.closeAllConnections();
      await withDeadline(closed, CLOSE_DEADLINE_MS);
    })();
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // As Toxiproxy: a browser must not be able to drive the proxies of this machine.
      if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) throw new ProxyError(403, 'User agent not allowed');
      const reply = await this.route(req);
      send(res, reply);
    } catch (error) {
      const status = error instanceof ProxyError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      send(res, { status, body: { error: message, status } });
    }
  }

  private async route(req: IncomingMessage): Promise<Reply> {
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      const handler = route.methods[req.method ?? 'GET'];
      if (!handler) throw new ProxyError(405, `method ${req.method} not allowed on ${path}`);
      const params = match.slice(1).map(decodeSegment);
      req.on('error', () => undefined);
      return handler(params, () => readJson(req));
    }
    req.resume();
    throw new ProxyError(404, `not found: ${req.method} ${path}`);
  }

  private buildRoutes(): Route[] {
    const p = this.proxies;
    const ok = (body: unknown, status = 200): Reply => ({ status, body });
    const noContent: Reply = { status: 204 };
    const updateProxy: Handler = async ([name], body) => ok(await p.update(name!, (await body()) as object));
    const updateToxic: Handler = async ([name, toxic], body) => ok(await p.require(name!).updateToxic(toxic!, (await body()) as object));
    return [
      { pattern: /^\/version$/, methods: { GET: async () => ok({ version: this.options.version ?? 'unknown', server: 'drillbit' }) } },
      { pattern: /^\/reset$/, methods: { POST: async () => (await p.reset(), noContent) } },
      { pattern: /^\/populate$/, methods: { POST: async (_, body) => ok({ proxies: (await p.populate(await body())).map((x) => x.toJSON()) }, 201) } },
      {
        pattern: /^\/proxies$/,
        methods: {
          // Go marshals a map with its keys sorted; so does this.
          GET: async () => ok(Object.fromEntries(p.list().sort((a, b) => (a.name < b.name ? -1 : 1)).map((x) => [x.name, x.toJSON()]))),
          POST: async (_, body) => ok((await p.create((await body()) as never)).toJSON(), 201),
        },
      },
      {
        pattern: /^\/proxies\/([^/]+)$/,
        methods: {
          GET: async ([name]) => ok(p.require(name!).toJSON()),
          POST: updateProxy,
          PATCH: updateProxy,
          DELETE: async ([name]) => {
            if (!(await p.delete(name!))) throw proxyNotFound(name!);
            return noContent;
          },
        },
      },
      {
        pattern: /^\/proxies\/([^/]+)\/toxics$/,
        methods: {
          GET: async ([name]) => ok(p.require(name!).toxics()),
          POST: async ([name], body) => {
            const proxy = p.require(name!);
            return ok(proxy.addToxic((await body()) as never));
          },
        },
      },
      {
        pattern: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
        methods: {
          GET: async ([name, toxic]) => ok(p.require(name!).getToxic(toxic!)),
          POST: updateToxic,
          PATCH: updateToxic,
          DELETE: async ([name, toxic]) => {
            if (!(await p.require(name!).removeToxic(toxic!))) throw toxicNotFound(toxic!);
            return noContent;
          },
        },
      },
    ];
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ProxyError(400, `bad path segment ${JSON.stringify(segment)}`);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ProxyError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return void res.end();
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = `${JSON.stringify(reply.body)}\n`;
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
