import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { ProxyServer } from './proxy-server.ts';
import type { ToxicProxy } from './toxic-proxy.ts';
import { echo, open, Received, roundTrip, sendAndEnd, sleep, startServer, type TestServer } from './test-support.ts';

// Real sockets on loopback; every toxic is measured, in both directions where it means
// something, and shown gone once removed. Timings have slack for a shared 2-core machine.
let proxies: ProxyServer;
const servers: TestServer[] = [];

beforeAll(() => {
  proxies = new ProxyServer();
});
afterEach(async () => {
  await Promise.all(proxies.list().map((p) => p.resetToxics()));
});
afterAll(async () => {
  await proxies.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function proxyTo(name: string, onConnection: (socket: Socket) => void): Promise<{ proxy: ToxicProxy; server: TestServer; port: number }> {
  const server = await startServer(onConnection);
  servers.push(server);
  const proxy = await proxies.create({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${server.port}` });
  return { proxy, server, port: proxy.address.port };
}

/** Reads everything; closes when the client does. */
const drain = (socket: Socket) => {
  socket.resume();
  socket.on('end', () => socket.end());
};

describe('latency', () => {
  it('adds latency to each direction, on a live connection too, and is gone once removed', async () => {
    const { proxy, port } = await proxyTo('latency', echo);
    const client = await open(port);
    const base = await roundTrip(client);
    proxy.addToxic({ type: 'latency', attributes: { latency: 80 } });
    const down = await roundTrip(client);
    expect(down).toBeGreaterThanOrEqual(79);
    expect(down - base).toBeLessThan(150);
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 40 } });
    const both = await roundTrip(client);
    expect(both).toBeGreaterThanOrEqual(119);
    expect(both).toBeLessThan(250);
    await proxy.removeToxic('latency_downstream');
    await proxy.removeToxic('latency_upstream');
    expect(await roundTrip(client)).toBeLessThan(60);
    const fresh = await open(port);
    expect(await roundTrip(fresh)).toBeLessThan(60);
    client.socket.destroy();
    fresh.socket.destroy();
  });

  it('delays the data, not the rate: a burst keeps its spacing', async () => {
    const { proxy, port } = await proxyTo('latency-burst', sendAndEnd(1_000_000));
    proxy.addToxic({ type: 'latency', attributes: { latency: 60 } });
    const started = performance.now();
    const client = await open(port);
    await client.closed;
    expect(client.bytes).toBe(1_000_000);
    expect(client.chunks.length).toBeGreaterThan(8); // one latency per chunk would be 0.5 s or more
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(59);
    expect(took).toBeLessThan(400);
  });

  it('removing it mid-wait hands the held data on at once', async () => {
    const { proxy, port } = await proxyTo('latency-removed', echo);
    proxy.addToxic({ type: 'latency', attributes: { latency: 5000 } });
    const client = await open(port);
    const started = performance.now();
    client.socket.write('held');
    await sleep(50);
    await proxy.removeToxic('latency_downstream');
    await client.waitFor(4);
    expect(performance.now() - started).toBeLessThan(500);
    client.socket.destroy();
  });
});

describe('bandwidth', () => {
  it('caps throughput downstream and upstream, and the cap is gone once removed', async () => {
    const { proxy, port } = await proxyTo('bandwidth', sendAndEnd(60_000));
    proxy.addToxic({ type: 'bandwidth', attributes: { rate: 100 } }); // 100 KB/s: 60 KB take 600 ms
    let started = performance.now();
    const capped = await open(port);
    await capped.closed;
    expect(capped.bytes).toBe(60_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
    expect(performance.now() - started).toBeLessThan(1200);
    await proxy.removeToxic('bandwidth_downstream');
    started = performance.now();
    const free = await open(port);
    await free.closed;
    expect(free.bytes).toBe(60_000);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('caps the upstream stream', async () => {
    const { proxy, port } = await proxyTo('bandwidth-up', echo);
    proxy.addToxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } });
    const client = await open(port);
    const took = await roundTrip(client, 'y'.repeat(40_000));
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(900);
    client.socket.destroy();
  });
});

describe('slow_close', () => {
  it('holds the close back by delay ms, and not once removed', async () => {
    const { proxy, port } = await proxyTo('slow-close', sendAndEnd(10));
    proxy.addToxic({ type: 'slow_close', attributes: { delay: 250 } });
    const slow = await open(port);
    await slow.closed;
    expect(slow.bytes).toBe(10);
    expect(slow.endedAt! - slow.chunkTimes[0]!).toBeGreaterThanOrEqual(240);
    await proxy.removeToxic('slow_close_downstream');
    const quick = await open(port);
    await quick.closed;
    expect(quick.endedAt! - quick.chunkTimes[0]!).toBeLessThan(120);
  });

  it('delays the client\'s close on the upstream stream', async () => {
    const { proxy, port, server } = await proxyTo('slow-close-up', drain);
    proxy.addToxic({ type: 'slow_close', stream: 'upstream', attributes: { delay: 200 } });
    const client = await open(port);
    await sleep(20);
    const upstreamSide = new Received(server.accepted.at(-1)!);
    const started = performance.now();
    client.socket.end();
    while (upstreamSide.endedAt === undefined) await sleep(5);
    expect(upstreamSide.endedAt - started).toBeGreaterThanOrEqual(190);
    client.socket.destroy();
  });
});

describe('timeout', () => {
  it('stops the data and closes the connection after timeout ms', async () => {
    const { proxy, port } = await proxyTo('timeout', echo);
    proxy.addToxic({ type: 'timeout', attributes: { timeout: 200 } });
    const started = performance.now();
    const client = await open(port);
    client.socket.write('lost');
    await client.closed;
    expect(client.bytes).toBe(0);
    expect(client.closedAt! - started).toBeGreaterThanOrEqual(190);
    expect(client.closedAt! - started).toBeLessThan(600);
  });

  it('with 0 holds the connection silent until removed; removing it closes that connection (as Toxiproxy), new ones work', async () => {
    const { proxy, port } = await proxyTo('timeout-0', echo);
    proxy.addToxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    const held = await open(port);
    held.socket.write('into the void');
    await sleep(300);
    expect(held.bytes).toBe(0);
    expect(held.closedAt).toBeUndefined();
    await proxy.removeToxic('timeout_upstream');
    await held.closed;
    const fresh = await open(port);
    expect(await roundTrip(fresh)).toBeLessThan(60);
    fresh.socket.destroy();
  });
});

describe('reset_peer', () => {
  it('resets the connection when data arrives (downstream) or after timeout ms (upstream), and not once removed', async () => {
    const { proxy, port, server } = await proxyTo('reset', echo);
    proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } });
    const reset = await open(port);
    reset.socket.write('hello');
    await reset.closed;
    expect(reset.error?.code).toBe('ECONNRESET');
    expect(reset.bytes).toBe(0);
    await proxy.removeToxic('reset_peer_downstream');

    proxy.addToxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 150 } });
    const later = await open(port);
    await sleep(20);
    const upstreamSide = new Received(server.accepted.at(-1)!);
    const started = performance.now();
    later.socket.write('hello');
    await later.closed;
    await upstreamSide.closed;
    expect(later.error?.code).toBe('ECONNRESET');
    expect(upstreamSide.error?.code).toBe('ECONNRESET');
    expect(later.closedAt! - started).toBeGreaterThanOrEqual(140);
    await proxy.removeToxic('reset_peer_upstream');

    const fine = await open(port);
    expect(await roundTrip(fine)).toBeLessThan(60);
    fine.socket.destroy();
  });
});

describe('slicer', () => {
  it('slices the data into small pieces, delay µs apart (counted on the receiving side)', async () => {
    const { proxy, port } = await proxyTo('slicer', sendAndEnd(1000));
    const whole = await open(port);
    await whole.closed;
    expect(whole.chunks.length).toBeLessThanOrEqual(2);
    proxy.addToxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 3000 } });
    const sliced = await open(port);
    await sliced.closed;
    expect(sliced.bytes).toBe(1000);
    expect(sliced.chunks.length).toBeGreaterThanOrEqual(7);
    for (const chunk of sliced.chunks) expect(chunk.length).toBeLessThanOrEqual(130);
  });

  it('slices upstream too', async () => {
    const { proxy, port, server } = await proxyTo('slicer-up', drain);
    proxy.addToxic({ type: 'slicer', stream: 'upstream', attributes: { average_size: 50, size_variation: 0, delay: 2000 } });
    const client = await open(port);
    await sleep(20);
    const upstreamSide = new Received(server.accepted.at(-1)!);
    client.socket.write(Buffer.alloc(400, 'z'));
    await upstreamSide.waitFor(400);
    expect(upstreamSide.chunks.length).toBeGreaterThanOrEqual(6);
    client.socket.destroy();
  });
});

describe('limit_data', () => {
  it('closes the connection after N bytes, each way, and lets everything through once removed', async () => {
    const { proxy, port } = await proxyTo('limit', sendAndEnd(2000));
    proxy.addToxic({ type: 'limit_data', attributes: { bytes: 500 } });
    const limited = await open(port);
    await limited.closed;
    expect(limited.bytes).toBe(500);
    await proxy.removeToxic('limit_data_downstream');
    const full = await open(port);
    await full.closed;
    expect(full.bytes).toBe(2000);

    const up = await proxyTo('limit-up', drain);
    up.proxy.addToxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 300 } });
    const client = await open(up.port);
    await sleep(20);
    const upstreamSide = new Received(up.server.accepted.at(-1)!);
    client.socket.write(Buffer.alloc(1000, 'q'));
    await upstreamSide.closed;
    await client.closed;
    expect(upstreamSide.bytes).toBe(300);
  });
});

describe('toxics added while a connection is open', () => {
  it('act on that connection: bandwidth, timeout, limit_data, reset_peer', async () => {
    const { proxy, port } = await proxyTo('live', echo);
    const opened = async () => {
      const client = await open(port);
      expect(await roundTrip(client)).toBeLessThan(60);
      return client;
    };

    const throttled = await opened();
    proxy.addToxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } });
    expect(await roundTrip(throttled, 'b'.repeat(30_000))).toBeGreaterThanOrEqual(250);
    await proxy.removeToxic('bandwidth_upstream');
    expect(await roundTrip(throttled)).toBeLessThan(60);
    throttled.socket.destroy();

    const silenced = await opened();
    proxy.addToxic({ type: 'timeout', attributes: { timeout: 100 } });
    silenced.socket.write('dropped');
    await silenced.closed;
    expect(silenced.bytes).toBe(4);
    await proxy.removeToxic('timeout_downstream');

    const limited = await opened();
    proxy.addToxic({ type: 'limit_data', attributes: { bytes: 3 } });
    limited.socket.write('abcdef');
    await limited.closed;
    expect(Buffer.concat(limited.chunks).toString()).toBe('pingabc');
    await proxy.removeToxic('limit_data_downstream');

    const reset = await opened();
    proxy.addToxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    reset.socket.write('boom');
    await reset.closed;
    expect(reset.error?.code).toBe('ECONNRESET');
  });
});
