import { createServer } from 'node:net';

const REUSE_AFTER_MS = 60_000;
const ATTEMPTS = 20;

/**
 * Free loopback ports for replicas (listen on 0, close, hand out). Remembers what it
 * handed out recently, so two replicas starting at once never get the same port from
 * this allocator; a clash with another process is caught by the replica's start retry.
 */
export class PortAllocator {
  private readonly handedOut = new Map<number, number>();

  async allocate(): Promise<number> {
    this.forgetOld();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = await probeFreePort();
      if (!this.handedOut.has(port)) {
        this.handedOut.set(port, Date.now());
        return port;
      }
    }
    throw new Error(`no free loopback port after ${ATTEMPTS} attempts`);
  }

  private forgetOld(): void {
    const cutoff = Date.now() - REUSE_AFTER_MS;
    for (const [port, at] of this.handedOut) if (at < cutoff) this.handedOut.delete(port);
  }
}

function probeFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
