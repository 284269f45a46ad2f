import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A plain TCP relay: every connection to `listen` is piped to `upstream`, both ways, with
 * backpressure; either side closing or failing closes the other. No toxics and no
 * per-chunk work: it only carries a fault proxy container's traffic from the network's
 * gateway to a front proxy on 127.0.0.1, which containers cannot reach.
 */
export class TcpRelay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;

  constructor(private readonly upstream: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  /** Listens on `host` (a free port) and returns `host:port`. */
  listen(host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port: 0 }, () => {
        this.server.off('error', reject);
        const { port } = this.server.address() as { port: number };
        resolve(`${host}:${port}`);
      });
    });
  }

  /** Stops listening and drops every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      if (this.server.listening) this.server.close(() => resolve());
      else resolve();
    });
    return this.closing;
  }

  private relay(client: Socket): void {
    const server = connect(this.upstream.port, this.upstream.host);
    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.once('close', () => this.sockets.delete(socket));
    }
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.once('close', () => server.destroy());
    server.once('close', () => client.destroy());
    client.pipe(server);
    server.pipe(client);
  }
}
