import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A loopback TCP server for tests; `close()` destroys every connection. */
export interface TestServer {
  port: number;
  /** Connections accepted so far. */
  accepted: Socket[];
  close(): Promise<void>;
}

/** Serves each connection with `onConnection` (allowHalfOpen, so a test sees half-closes). */
export async function startServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  const accepted: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    async close() {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Echoes what it receives; ends when the client ends. */
export const echo = (socket: Socket) => {
  socket.on('data', (data) => socket.write(data));
  socket.on('end', () => socket.end());
};

/** Sends `bytes` bytes in one write as soon as the client connects, then ends. */
export const sendAndEnd = (bytes: number) => (socket: Socket) => {
  socket.end(Buffer.alloc(bytes, 'x'));
  socket.resume();
};

/** What a socket received, as it happened. */
export class Received {
  readonly chunks: Buffer[] = [];
  readonly chunkTimes: number[] = [];
  bytes = 0;
  endedAt: number | undefined;
  closedAt: number | undefined;
  error: NodeJS.ErrnoException | undefined;
  readonly closed: Promise<void>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.chunks.push(data);
      this.chunkTimes.push(performance.now());
      this.bytes += data.length;
      for (const wake of this.waiters) wake();
    });
    socket.on('end', () => (this.endedAt = performance.now()));
    socket.on('error', (error: NodeJS.ErrnoException) => (this.error = error));
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedAt = performance.now();
        for (const wake of this.waiters) wake();
        resolve();
      }),
    );
  }

  /** Resolves as soon as `bytes` bytes arrived; rejects when the socket closes first or after `ms`. */
  waitFor(bytes: number, ms = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(), ms);
      const settle = () => {
        if (this.bytes >= bytes) resolve();
        else if (this.closedAt !== undefined) reject(new Error(`closed after ${this.bytes} of ${bytes} bytes (${this.error?.code ?? 'no error'})`));
        else if (performance.now() - started >= ms) reject(new Error(`received ${this.bytes} of ${bytes} bytes in ${ms} ms`));
        else return;
        clearTimeout(timer);
        this.waiters.delete(settle);
      };
      const started = performance.now();
      this.waiters.add(settle);
      settle();
    });
  }
}

/** Connects and records what arrives; like most clients, it closes its side when the server does. */
export async function open(port: number): Promise<Received> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const received = new Received(socket);
  await Promise.race([once(socket, 'connect'), received.closed.then(() => Promise.reject(received.error ?? new Error('closed before connecting')))]);
  return received;
}

/** Sends `payload` and measures the time until as many bytes came back (an echo round trip). */
export async function roundTrip(received: Received, payload = 'ping'): Promise<number> {
  const before = received.bytes;
  const started = performance.now();
  received.socket.write(payload);
  await received.waitFor(before + Buffer.byteLength(payload));
  return performance.now() - started;
}

/** Whether a TCP connection to the port is refused. */
export async function refused(port: number): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  } finally {
    socket.destroy();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
