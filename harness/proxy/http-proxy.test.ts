import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { SeededRandom } from '../util/seeded-random.ts';
import { ProxyServer } from './proxy-server.ts';
import type { ToxicProxy } from './toxic-proxy.ts';

// HTTP mode (`protocol: "http"`): per-request faults, decided with the proxy's random source.
let service: Server;
let servicePort = 0;
let reached = 0;
const agent = new Agent({ connections: 4 });

beforeAll(async () => {
  service = createServer((req, res) => {
    reached++;
    req.resume();
    req.on('end', () => res.end(`hello ${req.method} ${req.url}`));
  });
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
  servicePort = (service.address() as AddressInfo).port;
});
afterAll(async () => {
  await agent.close();
  service.closeAllConnections();
  await new Promise((resolve) => service.close(resolve));
});

async function get(proxy: ToxicProxy, path = '/x'): Promise<{ status: number; body: string; ms: number; fault?: string }> {
  const started = performance.now();
  const response = await request(`http://${proxy.listen}${path}`, { dispatcher: agent });
  const body = await response.body.text();
  return { status: response.statusCode, body, ms: performance.now() - started, fault: response.headers['x-drillbit-fault'] as string | undefined };
}

async function httpProxy(proxies: ProxyServer, name: string): Promise<ToxicProxy> {
  return proxies.create({ name, upstream: `127.0.0.1:${servicePort}`, protocol: 'http' });
}

describe('HTTP proxy', () => {
  it('forwards requests and bodies', async () => {
    await using proxies = new ProxyServer();
    const proxy = await httpProxy(proxies, 'plain');
    expect(await get(proxy, '/products?x=1')).toMatchObject({ status: 200, body: 'hello GET /products?x=1' });
    const posted = await request(`http://${proxy.listen}/orders`, { method: 'POST', body: '{"id":1}', headers: { 'content-type': 'application/json' }, dispatcher: agent });
    expect(await posted.body.text()).toBe('hello POST /orders');
  });

  it('http_abort share 1 answers every request with the status, never reaching the upstream; share 0 none; removed, none', async () => {
    await using proxies = new ProxyServer();
    const proxy = await httpProxy(proxies, 'abort');
    proxy.addToxic({ type: 'http_abort', attributes: { status: 503, share: 1 } });
    const before = reached;
    for (let i = 0; i < 10; i++) expect(await get(proxy)).toMatchObject({ status: 503, fault: 'http_abort' });
    expect(reached).toBe(before);
    await proxy.updateToxic('http_abort_downstream', { attributes: { share: 0 } });
    for (let i = 0; i < 10; i++) expect((await get(proxy)).status).toBe(200);
    expect(reached).toBe(before + 10);
    await proxy.updateToxic('http_abort_downstream', { attributes: { share: 1, status: 500 } });
    expect((await get(proxy)).status).toBe(500);
    await proxy.removeToxic('http_abort_downstream');
    expect((await get(proxy)).status).toBe(200);
  });

  it('http_abort share 0.5 aborts about half the requests, the same ones for the same seed', async () => {
    const run = async () => {
      const random = new SeededRandom(11);
      await using proxies = new ProxyServer({ random: () => random.next() });
      const proxy = await httpProxy(proxies, 'half');
      proxy.addToxic({ type: 'http_abort', attributes: { share: 0.5 } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get(proxy)).status);
      return statuses;
    };
    const first = await run();
    const aborted = first.filter((s) => s === 503).length;
    expect(aborted).toBeGreaterThanOrEqual(12);
    expect(aborted).toBeLessThanOrEqual(28);
    expect(await run()).toEqual(first);
  });

  it('http_delay and latency delay requests (upstream) and responses (downstream); toxicity 0 does nothing', async () => {
    await using proxies = new ProxyServer();
    const proxy = await httpProxy(proxies, 'delay');
    const base = (await get(proxy)).ms;
    proxy.addToxic({ type: 'http_delay', attributes: { delay: 150 } });
    const delayed = await get(proxy);
    expect(delayed.status).toBe(200);
    expect(delayed.ms).toBeGreaterThanOrEqual(148);
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 60 } });
    expect((await get(proxy)).ms).toBeGreaterThanOrEqual(205);
    await proxy.resetToxics();
    proxy.addToxic({ type: 'http_delay', toxicity: 0, attributes: { delay: 500 } });
    expect((await get(proxy)).ms).toBeLessThan(base + 100);
  });

  it('an unreachable upstream is a 502 marked as such; disabled refuses connections', async () => {
    await using proxies = new ProxyServer();
    const proxy = await proxies.create({ name: 'nowhere', upstream: '127.0.0.1:1', protocol: 'http' });
    const response = await request(`http://${proxy.listen}/`, { dispatcher: agent });
    expect(response.statusCode).toBe(502);
    expect(response.headers['x-drillbit-error']).toBe('upstream-unreachable');
    await response.body.dump();
    await proxy.stop();
    await expect(request(`http://${proxy.listen}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
