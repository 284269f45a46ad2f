import { attributes, millis } from '../toxic-attributes.ts';
import type { Chunk, ToxicStub, ToxicType } from '../toxic.ts';

/** `latency` ± `jitter` ms, uniformly drawn. */
export function latencyDelay(latency: number, jitter: number, random: () => number): number {
  return jitter > 0 ? Math.max(0, latency + (random() * 2 - 1) * jitter) : latency;
}

/**
 * Delays every chunk by `latency` ± `jitter` ms from when it entered the proxy, in order
 * (Toxiproxy's latency toxic: a chunk that waited behind another waits no longer than its own delay).
 * On an HTTP proxy: each request (stream upstream) or response (downstream) waits as long.
 */
export const latency: ToxicType<{ latency: number; jitter: number }> = {
  type: 'latency',
  description: 'adds latency ± jitter ms to the data (TCP) or to each request or response (HTTP)',
  attributes: attributes({ latency: millis(), jitter: millis() }),
  tcp: {
    pipe: (a, stub) => ({
      data(chunk) {
        const due = chunk.at + latencyDelay(a.latency, a.jitter, () => stub.random());
        const wait = due - stub.now();
        if (wait <= 0) return stub.push({ data: chunk.data, at: due });
        return delayed(stub, chunk, due, wait);
      },
    }),
  },
  http: {
    request: (a, random) => ({ delayMs: latencyDelay(a.latency, a.jitter, random) }),
  },
};

async function delayed(stub: ToxicStub, chunk: Chunk, due: number, wait: number): Promise<void> {
  // Interrupted (toxic removed or updated): pass the chunk on undelayed, as Toxiproxy does.
  stub.push((await stub.sleep(wait)) ? { data: chunk.data, at: due } : chunk);
}
