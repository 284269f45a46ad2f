import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { AdminApi } from './admin-api.ts';
import { ProxyServer } from './proxy-server.ts';
import { echo, open, roundTrip, startServer, type TestServer } from './test-support.ts';

// The real `toxiproxy-node-client` package drives Drillbit's admin API as it would a Toxiproxy.
let upstream: TestServer;
let proxies: ProxyServer;
let api: AdminApi;
let toxiproxy: Toxiproxy;

beforeAll(async () => {
  upstream = await startServer(echo);
  proxies = new ProxyServer();
  api = new AdminApi(proxies, { version: '0.1.0' });
  toxiproxy = new Toxiproxy((await api.listen('127.0.0.1:0')).origin);
});
afterAll(async () => {
  await api.close();
  await proxies.close();
  await upstream.close();
});

const portOf = (proxy: Proxy) => Number(proxy.listen.split(':').at(-1));

describe('toxiproxy-node-client against AdminApi', () => {
  it('creates a proxy, adds, updates and removes toxics with traffic affected, lists, resets and deletes', async () => {
    expect(await toxiproxy.getVersion()).toContain('0.1.0');
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
    expect(proxy.enabled).toBe(true);
    const client = await open(portOf(proxy));
    expect(await roundTrip(client)).toBeLessThan(60);

    const toxic = await proxy.addToxic<{ latency: number; jitter: number }>({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } });
    expect(toxic.toJson()).toEqual({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } });
    expect(await roundTrip(client)).toBeGreaterThanOrEqual(148);

    const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 60, jitter: 0 } });
    expect(updated.attributes).toEqual({ latency: 60, jitter: 0 });
    const rtt = await roundTrip(client);
    expect(rtt).toBeGreaterThanOrEqual(58);
    expect(rtt).toBeLessThan(140);
    expect((await proxy.getToxic('slow')).attributes).toEqual({ latency: 60, jitter: 0 });

    const all = await toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['redis']);
    expect((await toxiproxy.get('redis')).toJson()).toEqual(proxy.toJson());

    await toxic.remove();
    expect(await roundTrip(client)).toBeLessThan(60);

    await proxy.addToxic({ name: 'cut', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    const down = await proxy.update({ ...proxy.toJson(), enabled: false });
    expect(down.enabled).toBe(false);
    await client.closed;
    await toxiproxy.reset();
    const reset = await toxiproxy.get('redis');
    expect(reset.enabled).toBe(true);
    const fresh = await open(portOf(reset));
    expect(await roundTrip(fresh)).toBeLessThan(60);
    fresh.socket.destroy();

    const populated = await toxiproxy.populate([{ name: 'pg', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` }]);
    expect(Object.keys(populated)).toEqual(['pg']);

    await proxy.remove();
    await populated.pg!.remove();
    expect(await toxiproxy.getAll()).toEqual({});
  });

  it('surfaces API errors as the client\'s ToxiproxyError', async () => {
    await expect(toxiproxy.get('ghost')).rejects.toThrow(/status code 404/);
    const proxy = await toxiproxy.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
    await expect(toxiproxy.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` })).rejects.toThrow(/status code 409/);
    await expect(proxy.addToxic({ name: 'neg', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: -1 } })).rejects.toThrow(/status code 400/);
    await proxy.remove();
  });
});
