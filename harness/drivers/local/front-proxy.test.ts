import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest, Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FrontProxy } from './front-proxy.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(name: string): Promise<{ id: string; port: number; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'x-drillbit-release': name, 'set-cookie': ['a=1', 'b=2'] });
      req.pipe(res);
      return;
    }
    res.writeHead(201, { 'x-drillbit-release': name, 'x-seen': JSON.stringify({ method: req.method, url: req.url, headers: req.headers }) });
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return { id: name, port: (server.address() as AddressInfo).port, server };
}

function rawRequest(url: URL, method: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

async function proxy(): Promise<FrontProxy> {
  const front = new FrontProxy('shop');
  cleanups.push(() => front.close());
  await front.listen();
  return front;
}

describe('FrontProxy', () => {
  it('answers 503 saying no release is serving while the pool is empty', async () => {
    const front = await proxy();
    const res = await fetch(front.url);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-drillbit-error')).toBe('no-release');
    expect(await res.text()).toContain('no release is serving shop');
  });

  it('routes requests round-robin and preserves method, path, headers and status', async () => {
    const [a, b] = [await upstream('a'), await upstream('b')];
    const front = await proxy();
    front.setPool([a, b]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      // node:http, because fetch refuses to send hop-by-hop headers at all.
      const res = await rawRequest(new URL('/orders?x=1', front.url), 'DELETE', { 'x-custom': 'yes', 'keep-alive': 'timeout=1', connection: 'keep-alive, x-private', 'x-private': 'hop' });
      expect(res.statusCode).toBe(201);
      seen.push(res.headers['x-drillbit-release'] as string);
      const forwarded = JSON.parse(res.headers['x-seen'] as string);
      expect(forwarded).toMatchObject({ method: 'DELETE', url: '/orders?x=1' });
      expect(forwarded.headers['x-custom']).toBe('yes');
      expect(forwarded.headers['x-private']).toBeUndefined();
      expect(forwarded.headers['keep-alive']).toBeUndefined();
    }
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
  });

  it('streams request and response bodies both ways, keeping repeated headers', async () => {
    const a = await upstream('a');
    const front = await proxy();
    front.setPool([a]);
    const body = 'x'.repeat(1 << 20);
    const res = await fetch(new URL('/stream', front.url), { method: 'POST', body });
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect((await res.text()).length).toBe(body.length);
  });

  it('switches per request, even on one keep-alive connection', async () => {
    const [a, b] = [await upstream('a'), await upstream('b')];
    const front = await proxy();
    const agent = new Agent({ connections: 1 });
    cleanups.push(() => agent.close());
    front.setPool([a]);
    const get = async () => (await undiciRequest(front.url, { dispatcher: agent })).headers['x-drillbit-release'];
    expect(await get()).toBe('a');
    front.setPool([b]);
    expect(await get()).toBe('b');
    front.setPool([a]);
    expect(await get()).toBe('a');
  });

  it('answers 502 without retrying when the replica is unreachable', async () => {
    const a = await upstream('a');
    const dead = await upstream('dead');
    await new Promise((resolve) => dead.server.close(resolve));
    const front = await proxy();
    front.setPool([dead, a]);
    const first = await fetch(front.url);
    expect(first.status).toBe(502);
    expect(first.headers.get('x-drillbit-error')).toBe('upstream-unreachable');
    expect(await first.text()).toMatch(/replica dead .*ECONNREFUSED/);
    expect((await fetch(front.url)).status).toBe(201);
  });

  it('breaks the client response when the replica dies mid-body, instead of ending it cleanly', async () => {
    const dying = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { dying.closeAllConnections(); dying.close(resolve); }));
    const front = await proxy();
    front.setPool([{ id: 'dying', port: (dying.address() as AddressInfo).port }]);
    const res = await fetch(front.url);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('closes idempotently and drops keep-alive clients', async () => {
    const a = await upstream('a');
    const front = await proxy();
    front.setPool([a]);
    const agent = new Agent();
    cleanups.push(() => agent.close());
    await (await undiciRequest(front.url, { dispatcher: agent })).body.text();
    await Promise.all([front.close(), front.close()]);
    await front.close();
    await expect(undiciRequest(front.url, { dispatcher: agent })).rejects.toThrow();
  });

  describe('HTTP fault rules', () => {
    async function counted(): Promise<{ front: FrontProxy; reached: () => number }> {
      let n = 0;
      const server = createServer((_req, res) => {
        n++;
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
      const front = await proxy();
      front.setPool([{ id: 'a', port: (server.address() as AddressInfo).port }]);
      return { front, reached: () => n };
    }

    it('aborts with the rule status and x-drillbit-fault, without reaching a replica; removal is idempotent', async () => {
      const { front, reached } = await counted();
      const remove = front.addFault({ id: 'f1', share: 1, abortStatus: 503, random: Math.random });
      const res = await fetch(new URL('/orders', front.url), { method: 'POST', body: 'x'.repeat(100_000) });
      expect([res.status, res.headers.get('x-drillbit-fault'), res.headers.get('x-drillbit-error')]).toEqual([503, 'f1', null]);
      expect(await res.text()).toBe('drillbit: fault f1 answered 503\n');
      expect(reached()).toBe(0);
      remove();
      remove();
      expect(front.faults).toEqual([]);
      expect((await fetch(front.url)).status).toBe(200);
      expect(reached()).toBe(1);
    });

    it('has no effect at share 0, and draws one number per rule per request', async () => {
      const { front, reached } = await counted();
      let draws = 0;
      front.addFault({ id: 'never', share: 0, abortStatus: 500, delayMs: 1000, random: () => (draws++, 0) });
      for (let i = 0; i < 5; i++) expect((await fetch(front.url)).status).toBe(200);
      expect([reached(), draws]).toEqual([5, 5]);
    });

    it('adds up the delays of the rules drawn, then aborts if one says so (as Envoy does)', async () => {
      const { front, reached } = await counted();
      front.addFault({ id: 'slow', share: 1, delayMs: 100, random: Math.random });
      front.addFault({ id: 'slower', share: 1, delayMs: 100, random: Math.random });
      let started = performance.now();
      expect((await fetch(front.url)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(195);
      const remove = front.addFault({ id: 'abort', share: 1, abortStatus: 504, random: Math.random });
      started = performance.now();
      expect((await fetch(front.url)).status).toBe(504);
      expect(performance.now() - started).toBeGreaterThanOrEqual(195);
      remove();
      expect(reached()).toBe(1);
    });

    it('never forwards a delayed request whose client went away', async () => {
      const { front, reached } = await counted();
      front.addFault({ id: 'slow', share: 1, delayMs: 150, random: Math.random });
      await expect(fetch(front.url, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(reached()).toBe(0);
    });
  });
});
