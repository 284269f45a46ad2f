import { connect, type Socket } from 'node:net';
import type { HostPort } from './host-port.ts';
import type { Stream, Toxic } from './toxic.ts';
import { ToxicLink } from './toxic-link.ts';
import type { EndKind } from './toxic-stage.ts';

export interface ConnectionOptions {
  upstream: HostPort;
  /** The toxics of each stream when the connection starts. */
  toxics: (stream: Stream) => readonly Toxic[];
  random: () => number;
  onClosed: (connection: TcpConnection) => void;
}

/**
 * One client connection and its own connection to the upstream, joined by two links:
 * `upstream` (client → server) and `downstream` (server → client). A FIN is passed on as
 * a FIN (half-close); a toxic's close ends both sides; a reset, or an error on either
 * socket, resets or destroys both.
 */
export class TcpConnection {
  readonly upstreamSocket: Socket;
  private readonly links: Record<Stream, ToxicLink>;
  private closed = false;
  private open = 2;

  constructor(
    readonly client: Socket,
    private readonly options: ConnectionOptions,
  ) {
    client.setNoDelay(true);
    this.upstreamSocket = connect({ host: options.upstream.host, port: options.upstream.port, allowHalfOpen: true, noDelay: true });
    const owner = { random: options.random, reset: () => this.reset(), ended: (link: ToxicLink, kind: EndKind) => this.ended(link, kind) };
    this.links = {
      upstream: new ToxicLink('upstream', client, this.upstreamSocket, options.toxics('upstream'), owner),
      downstream: new ToxicLink('downstream', this.upstreamSocket, client, options.toxics('downstream'), owner),
    };
    for (const socket of [client, this.upstreamSocket]) {
      socket.on('error', (error: NodeJS.ErrnoException) => this.failed(socket, error));
      socket.on('close', () => {
        if (--this.open === 0) this.gone();
      });
    }
  }

  link(stream: Stream): ToxicLink {
    return this.links[stream];
  }

  /** Both sockets destroyed now (the proxy is disabled, deleted or closed). */
  destroy(): void {
    this.stopLinks();
    this.client.destroy();
    this.upstreamSocket.destroy();
  }

  /** TCP RST to both peers (reset_peer). */
  reset(): void {
    this.stopLinks();
    resetSocket(this.client);
    resetSocket(this.upstreamSocket);
  }

  private ended(link: ToxicLink, kind: EndKind): void {
    const dest = link.stream === 'upstream' ? this.upstreamSocket : this.client;
    if (kind === 'end') {
      dest.end(); // half-close, as the source did; the socket goes once both halves are done
      return;
    }
    // A toxic closed the stream (timeout, limit_data): close this side and end the other
    // direction as if its source had closed, so its toxics still deliver what they hold.
    closeSoon(dest);
    const other = this.links[link.stream === 'upstream' ? 'downstream' : 'upstream'];
    const otherDest = dest === this.client ? this.upstreamSocket : this.client;
    if (otherDest.writableFinished) otherDest.destroy();
    else otherDest.once('finish', () => otherDest.destroy());
    other.stopReading();
  }

  private failed(socket: Socket, error: NodeJS.ErrnoException): void {
    const other = socket === this.client ? this.upstreamSocket : this.client;
    this.stopLinks();
    // A reset from one peer is passed on as a reset; anything else (refused, unreachable) closes the other side.
    if (error.code === 'ECONNRESET') resetSocket(other);
    else other.destroy();
  }

  private stopLinks(): void {
    if (this.closed) return;
    this.closed = true;
    this.links.upstream.stop();
    this.links.downstream.stop();
  }

  private gone(): void {
    this.stopLinks();
    this.options.onClosed(this);
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // A socket still connecting has no connection to reset: it is just dropped.
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

/** Ends the socket and destroys it once what was written is flushed, whatever the peer does. */
function closeSoon(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end(() => socket.destroy());
}
