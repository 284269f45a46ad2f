import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../util/seeded-random.ts';
import { ProxyError } from './proxy-error.ts';
import { ProxyServer } from './proxy-server.ts';
import { echo, open, refused, roundTrip, startServer, type TestServer } from './test-support.ts';

let upstream: TestServer;
beforeAll(async () => {
  upstream = await startServer(echo);
});
afterAll(async () => {
  await upstream.close();
});

/** Whether an echo comes back through the proxy (a limit_data of 0 closes the connection before it). */
async function echoes(port: number): Promise<boolean> {
  const client = await open(port);
  try {
    await roundTrip(client);
    return true;
  } catch {
    return false;
  } finally {
    client.socket.destroy();
  }
}

describe('toxicity', () => {
  it('toxicity 0 has no effect at all; toxicity 1 always has', async () => {
    await using proxies = new ProxyServer();
    const proxy = await proxies.create({ name: 'toxicity', upstream: `127.0.0.1:${upstream.port}` });
    proxy.addToxic({ type: 'latency', toxicity: 0, attributes: { latency: 300 } });
    proxy.addToxic({ type: 'limit_data', stream: 'upstream', toxicity: 0, attributes: { bytes: 0 } });
    for (let i = 0; i < 5; i++) {
      const client = await open(proxy.address.port);
      expect(await roundTrip(client)).toBeLessThan(150);
      client.socket.destroy();
    }
    await proxy.updateToxic('latency_downstream', { toxicity: 1 });
    const client = await open(proxy.address.port);
    expect(await roundTrip(client)).toBeGreaterThanOrEqual(295);
    client.socket.destroy();
  });

  it('toxicity 0.5 with a seeded random source affects about half of the connections, the same ones on a replay', async () => {
    const affected = async (seed: number) => {
      const random = new SeededRandom(seed);
      await using proxies = new ProxyServer({ random: () => random.next() });
      const proxy = await proxies.create({ name: 'half', upstream: `127.0.0.1:${upstream.port}` });
      proxy.addToxic({ type: 'limit_data', stream: 'upstream', toxicity: 0.5, attributes: { bytes: 0 } });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 40; i++) outcomes.push(!(await echoes(proxy.address.port)));
      return outcomes;
    };
    const first = await affected(7);
    const count = first.filter(Boolean).length;
    expect(count).toBeGreaterThanOrEqual(12);
    expect(count).toBeLessThanOrEqual(28);
    expect(await affected(7)).toEqual(first);
  });
});

describe('ToxicProxy lifecycle', () => {
  it('reports the real port for port 0; disabled refuses connections and closes live ones; re-enabled works on the same port', async () => {
    await using proxies = new ProxyServer();
    const proxy = await proxies.create({ name: 'down', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
    const port = proxy.address.port;
    expect(port).toBeGreaterThan(0);
    expect(proxy.listen).toBe(`127.0.0.1:${port}`);
    const live = await open(port);
    await roundTrip(live);
    await proxy.update({ enabled: false });
    await live.closed;
    expect(proxy.enabled).toBe(false);
    expect(await refused(port)).toBe(true);
    await proxy.update({ enabled: false }); // idempotent
    await proxy.update({ enabled: true });
    expect(proxy.listen).toBe(`127.0.0.1:${port}`);
    expect(await echoes(port)).toBe(true);
  });

  it('a new upstream drops the connections and takes effect; reset enables and clears every toxic', async () => {
    const other = await startServer((socket) => socket.end('other'));
    try {
      await using proxies = new ProxyServer();
      const proxy = await proxies.create({ name: 'moved', upstream: `127.0.0.1:${upstream.port}` });
      const live = await open(proxy.address.port);
      await proxies.update('moved', { upstream: `127.0.0.1:${other.port}` });
      await live.closed;
      const moved = await open(proxy.address.port);
      await moved.closed;
      expect(Buffer.concat(moved.chunks).toString()).toBe('other');

      proxy.addToxic({ type: 'latency', attributes: { latency: 10 } });
      await proxy.stop();
      await proxies.reset();
      expect(proxy.enabled).toBe(true);
      expect(proxy.toxics()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('closes promptly with connections held open by toxics, and is idempotent', async () => {
    const proxies = new ProxyServer();
    const proxy = await proxies.create({ name: 'held', upstream: `127.0.0.1:${upstream.port}` });
    proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } });
    proxy.addToxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 0 } });
    const clients = await Promise.all([1, 2, 3].map(() => open(proxy.address.port)));
    for (const c of clients) c.socket.write('x'.repeat(10_000));
    const started = performance.now();
    await proxies.close();
    await proxies.close();
    await Promise.all(clients.map((c) => c.closed));
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(proxies.create({ name: 'late', upstream: '127.0.0.1:1' })).rejects.toThrow(/closed/);
  });

  it('refuses bad input with a 400 naming the field, a taken name with 409, a busy port with 500', async () => {
    await using proxies = new ProxyServer();
    const proxy = await proxies.create({ name: 'checks', upstream: `127.0.0.1:${upstream.port}` });
    const status = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof ProxyError ? `${error.status} ${error.message}` : String(error);
      }
      return 'no error';
    };
    expect(status(() => proxy.addToxic({ type: 'latency', attributes: { latency: -1 } }))).toMatch(/^400 .*attributes\.latency: must not be negative, got -1/);
    expect(status(() => proxy.addToxic({ type: 'nope' }))).toMatch(/^400 invalid toxic type: type: "nope"/);
    expect(status(() => proxy.addToxic({ type: 'latency', toxicity: 1.5 }))).toMatch(/^400 .*toxicity: must be between 0 and 1, got 1.5/);
    expect(status(() => proxy.addToxic({ type: 'http_abort' }))).toMatch(/^400 .*not supported on tcp proxies/);
    proxy.addToxic({ type: 'latency' });
    expect(status(() => proxy.addToxic({ type: 'latency' }))).toMatch(/^409 toxic already exists/);
    await expect(proxies.create({ name: 'checks', upstream: '127.0.0.1:1' })).rejects.toMatchObject({ status: 409 });
    await expect(proxies.create({ name: 'busy', listen: proxy.listen, upstream: '127.0.0.1:1' })).rejects.toMatchObject({ status: 500, message: /address already in use/ });
    expect(proxies.get('busy')).toBeUndefined();
  });
});
