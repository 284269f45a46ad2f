import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../errors.ts';
import { Http1ResponseParser } from './http1-response-parser.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Path on the base URL, starting with "/". */
  path: string;
  body?: string;
  contentType?: string;
}

/** How an exchange ended. Never a rejection: a failure is data (status 0 and an error). */
export interface HttpResult {
  /** HTTP status; 0 when no response came. */
  status: number;
  /** `x-drillbit-release` of the response, when present. */
  release?: string;
  /** The body, only when asked for with `readBody`. */
  body?: string;
  error?: string;
}

export interface HttpClientOptions {
  /** Keep-alive connections to the origin, at most. */
  connections: number;
  /** Whole-exchange deadline (queue, connect, headers and body), in ms. */
  timeoutMs: number;
}

interface Exchange {
  head: string;
  readBody: boolean;
  chunks: Buffer[];
  settle: (result: HttpResult) => void;
  timer: NodeJS.Timeout;
  connection: Connection | undefined;
  settled: boolean;
}

interface Connection {
  socket: Socket;
  connected: boolean;
  exchange: Exchange | undefined;
  parser: Http1ResponseParser | undefined;
}

/**
 * A keep-alive HTTP/1.1 client to one origin on plain `net` sockets, one request at a time
 * per connection, with a hard per-exchange timeout and a way to abort everything in flight
 * (for a stop that must not hang). It does what the traffic engine and the read-back need
 * and no more — undici's general machinery cost more CPU than the rest of the engine: the
 * harness's own CPU is what `--parallel` can fit (issue 13 §3; `npm run bench -- --only
 * traffic-engine`). Connections are reused most-recent first, so spare ones idle out.
 */
export class HttpClient {
  private readonly host: string;
  private readonly port: number;
  private readonly pathPrefix: string;
  private readonly hostHeader: string;
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly queue: Exchange[] = [];
  private readonly inFlight = new Set<Exchange>();
  private closing: Promise<void> | undefined;

  constructor(
    baseUrl: URL,
    private readonly options: HttpClientOptions,
  ) {
    if (baseUrl.protocol !== 'http:') throw new Error(`the traffic client speaks http only, got ${baseUrl.protocol}`);
    this.host = baseUrl.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(baseUrl.port || 80);
    this.pathPrefix = baseUrl.pathname.replace(/\/+$/, '');
    this.hostHeader = baseUrl.host;
  }

  send(request: HttpRequest, readBody = false): Promise<HttpResult> {
    return new Promise((resolve) => {
      const exchange: Exchange = {
        head: this.serialize(request),
        readBody,
        chunks: [],
        settle: resolve,
        timer: this.deadline(performance.now() + this.options.timeoutMs, () => this.fail(exchange, `timeout after ${this.options.timeoutMs}ms`), (timer) => (exchange.timer = timer)),
        connection: undefined,
        settled: false,
      };
      this.inFlight.add(exchange);
      if (this.closing) return this.fail(exchange, 'the client is closed');
      this.queue.push(exchange);
      this.pump();
    });
  }

  /** Aborts every exchange in flight or queued; each resolves with `reason` as its error. */
  abortAll(reason: string): void {
    for (const exchange of [...this.inFlight]) this.fail(exchange, reason);
  }

  /** Closes the connections; waits at most `graceMs` for exchanges in flight, then aborts them. Idempotent. */
  close(graceMs = 1000): Promise<void> {
    this.closing ??= this.closeWithin(graceMs);
    return this.closing;
  }

  private async closeWithin(graceMs: number): Promise<void> {
    for (const exchange of this.queue.splice(0)) this.fail(exchange, 'the client is closed');
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    this.abortAll('the client is closed');
    for (const connection of [...this.open]) this.drop(connection);
  }

  /** Node's timers count from the loop's cached clock and can fire up to a millisecond early: a timeout never does. */
  private deadline(atMs: number, fire: () => void, rearmed: (timer: NodeJS.Timeout) => void): NodeJS.Timeout {
    return setTimeout(() => {
      const leftMs = atMs - performance.now();
      if (leftMs > 0) rearmed(this.deadline(atMs, fire, rearmed));
      else fire();
    }, Math.max(1, Math.ceil(atMs - performance.now())));
  }

  private serialize(request: HttpRequest): string {
    let head = `${request.method} ${this.pathPrefix}${request.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    if (request.contentType !== undefined) head += `content-type: ${request.contentType}\r\n`;
    if (request.body !== undefined || request.method !== 'GET') head += `content-length: ${Buffer.byteLength(request.body ?? '')}\r\n`;
    return `${head}\r\n${request.body ?? ''}`;
  }

  /** Gives queued exchanges connections: an idle one, else a new one while under the limit. */
  private pump(): void {
    while (this.queue.length > 0) {
      const connection = this.idle.pop() ?? (this.open.size < Math.max(1, this.options.connections) ? this.connect() : undefined);
      if (!connection) return;
      this.assign(connection, this.queue.shift()!);
    }
  }

  private connect(): Connection {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const connection: Connection = { socket, connected: false, exchange: undefined, parser: undefined };
    this.open.add(connection);
    socket.on('connect', () => {
      connection.connected = true;
      if (connection.exchange) socket.write(connection.exchange.head);
    });
    socket.on('data', (data: Buffer) => this.onData(connection, data));
    socket.on('end', () => this.onEnd(connection));
    socket.on('error', (error) => this.onError(connection, error));
    socket.on('close', () => this.onClose(connection));
    return connection;
  }

  private assign(connection: Connection, exchange: Exchange): void {
    connection.exchange = exchange;
    exchange.connection = connection;
    connection.parser = new Http1ResponseParser(exchange.readBody ? (chunk) => exchange.chunks.push(chunk) : undefined);
    if (connection.connected) connection.socket.write(exchange.head);
  }

  private onData(connection: Connection, data: Buffer): void {
    const exchange = connection.exchange;
    if (!exchange || !connection.parser) return this.drop(connection); // bytes nobody asked for
    let state: 'more' | 'done';
    try {
      state = connection.parser.push(data);
    } catch (error) {
      this.fail(exchange, `bad response: ${errorMessage(error)}`);
      return;
    }
    if (state === 'done') this.complete(connection, exchange);
  }

  private onEnd(connection: Connection): void {
    const exchange = connection.exchange;
    if (exchange && connection.parser?.end() === 'done') this.complete(connection, exchange, false);
    else if (exchange) this.fail(exchange, 'the connection closed before the response ended');
    this.drop(connection);
  }

  private onError(connection: Connection, error: Error): void {
    if (connection.exchange) this.fail(connection.exchange, describe(error));
    this.drop(connection);
  }

  private onClose(connection: Connection): void {
    if (connection.exchange) this.fail(connection.exchange, 'the connection closed before the response ended');
    this.forget(connection);
  }

  private complete(connection: Connection, exchange: Exchange, reusable = true): void {
    const head = connection.parser!.head!;
    const result: HttpResult = { status: head.status };
    if (head.release !== undefined) result.release = head.release;
    if (exchange.readBody) result.body = Buffer.concat(exchange.chunks).toString('utf8');
    connection.exchange = undefined;
    connection.parser = undefined;
    this.settle(exchange, result);
    if (reusable && head.keepAlive && !this.closing) {
      this.idle.push(connection);
      this.pump();
    } else this.drop(connection);
  }

  private fail(exchange: Exchange, error: string): void {
    if (exchange.settled) return;
    const index = this.queue.indexOf(exchange);
    if (index >= 0) this.queue.splice(index, 1);
    const connection = exchange.connection;
    this.settle(exchange, { status: 0, error });
    // A connection with an exchange cut short cannot carry another: what is still coming belongs to it.
    if (connection && connection.exchange === exchange) {
      connection.exchange = undefined;
      this.drop(connection);
    }
  }

  private settle(exchange: Exchange, result: HttpResult): void {
    if (exchange.settled) return;
    exchange.settled = true;
    clearTimeout(exchange.timer);
    this.inFlight.delete(exchange);
    exchange.settle(result);
  }

  private drop(connection: Connection): void {
    this.forget(connection);
    connection.socket.destroy();
  }

  private forget(connection: Connection): void {
    if (!this.open.delete(connection)) return;
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
    if (!this.closing) this.pump();
  }
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
