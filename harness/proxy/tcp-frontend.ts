import { createServer, type Server, type Socket } from 'node:net';
import { withDeadline } from './deadline.ts';
import { listenOn, type HostPort } from './host-port.ts';
import type { FrontendContext, ProxyFrontend } from './proxy-frontend.ts';
import { TcpConnection } from './tcp-connection.ts';
import type { Toxic } from './toxic.ts';

const CLOSE_DEADLINE_MS = 2000;

/** A TCP proxy: every accepted connection is piped to a new upstream connection through the toxics. */
export class TcpFrontend implements ProxyFrontend {
  private readonly server: Server;
  private readonly live = new Set<TcpConnection>();
  private closing: Promise<void> | undefined;

  constructor(private readonly ctx: FrontendContext) {
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
  }

  get connections(): number {
    return this.live.size;
  }

  listen(address: HostPort): Promise<HostPort> {
    return listenOn(this.server, address);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const connection of this.live) connection.destroy();
      await withDeadline(stopped, CLOSE_DEADLINE_MS);
    })();
    return this.closing;
  }

  added(toxic: Toxic): void {
    for (const connection of this.live) connection.link(toxic.stream).addToxic(toxic);
  }

  async updated(toxic: Toxic): Promise<void> {
    await Promise.all([...this.live].map((c) => c.link(toxic.stream).updateToxic(toxic)));
  }

  async removed(toxic: Toxic): Promise<void> {
    await Promise.all([...this.live].map((c) => c.link(toxic.stream).removeToxic(toxic.name)));
  }

  private accept(socket: Socket): void {
    if (this.closing) return void socket.destroy();
    const connection = new TcpConnection(socket, {
      upstream: this.ctx.upstream(),
      toxics: (stream) => this.ctx.toxics(stream),
      random: () => this.ctx.random(),
      onClosed: (c) => this.live.delete(c),
    });
    this.live.add(connection);
  }
}
