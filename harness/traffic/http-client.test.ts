import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.ts';
import { respond, startTestServer, type TestServer } from './http-test-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hangingServer(): Promise<TestServer> {
  const held: ServerResponse[] = [];
  const server = await startTestServer((_request, response) => held.push(response));
  cleanups.push(() => server.close());
  cleanups.push(async () => held.forEach((r) => r.end()));
  return server;
}

function client(url: URL, timeoutMs = 1000, connections = 4): HttpClient {
  const created = new HttpClient(url, { connections, timeoutMs });
  cleanups.push(() => created.close());
  return created;
}

describe('HttpClient', () => {
  it('sends method, body and content type under the base path, and reads status, release and body', async () => {
    const seen: string[] = [];
    const server = await startTestServer((request, response, body) => {
      seen.push(`${request.method} ${request.url} ${request.headers['content-type']} ${body}`);
      respond(response, 201, '{"ok":true}', { 'x-drillbit-release': 'sha256:feed' });
    });
    cleanups.push(() => server.close());
    const result = await client(new URL('/api/', server.url)).send({ method: 'POST', path: '/orders', body: '{"id":"a"}', contentType: 'application/json' }, true);
    expect(seen).toEqual(['POST /api/orders application/json {"id":"a"}']);
    expect(result).toEqual({ status: 201, release: 'sha256:feed', body: '{"ok":true}' });
  });

  it('times out the whole exchange, including time queued for a connection', async () => {
    const server = await hangingServer();
    const oneConnection = client(server.url, 150, 1);
    const started = performance.now();
    const results = await Promise.all([oneConnection.send({ method: 'GET', path: '/a' }), oneConnection.send({ method: 'GET', path: '/b' })]);
    expect(results).toEqual([{ status: 0, error: 'timeout after 150ms' }, { status: 0, error: 'timeout after 150ms' }]);
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('aborts everything in flight on demand and still closes', async () => {
    const server = await hangingServer();
    const http = client(server.url, 10_000);
    const pending = [http.send({ method: 'GET', path: '/' }), http.send({ method: 'GET', path: '/' })];
    await new Promise((resolve) => setTimeout(resolve, 50));
    http.abortAll('aborted: traffic stopped');
    expect(await Promise.all(pending)).toEqual([
      { status: 0, error: 'aborted: traffic stopped' },
      { status: 0, error: 'aborted: traffic stopped' },
    ]);
    await http.close();
  });

  it('reports a refused connection as status 0 with the error code', async () => {
    const server = await startTestServer(() => undefined);
    await server.close();
    const result = await client(server.url).send({ method: 'GET', path: '/' });
    expect(result.status).toBe(0);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('keeps connections alive: sequential requests reuse one connection', async () => {
    const server = await startTestServer((_request, response) => respond(response, 200, 'ok'));
    cleanups.push(() => server.close());
    const http = client(server.url);
    for (let i = 0; i < 5; i++) expect((await http.send({ method: 'GET', path: '/' })).status).toBe(200);
    expect(server.requests).toBe(5);
    expect(await server.connections()).toBe(1);
  });

  it('reads chunked bodies, and opens a new connection after a response that closes its own', async () => {
    const server = await startTestServer((request, response) => {
      if (request.url === '/close') response.setHeader('connection', 'close');
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('part one, ');
      response.end('part two');
    });
    cleanups.push(() => server.close());
    const http = client(server.url);
    expect(await http.send({ method: 'GET', path: '/close' }, true)).toEqual({ status: 200, body: 'part one, part two' });
    expect(await http.send({ method: 'GET', path: '/again' }, true)).toEqual({ status: 200, body: 'part one, part two' });
  });

  it('says so when the server closes the connection before the response ends, and what a bad response was', async () => {
    const { createServer } = await import('node:net');
    const raw = createServer((socket) => socket.once('data', (data) => socket.end(String(data).includes('/bad') ? 'HTTX nonsense\r\n\r\n' : 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc')));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => raw.close(() => resolve())));
    const url = new URL(`http://127.0.0.1:${(raw.address() as { port: number }).port}`);
    expect(await client(url).send({ method: 'GET', path: '/cut' })).toEqual({ status: 0, error: 'the connection closed before the response ended' });
    expect((await client(url).send({ method: 'GET', path: '/bad' })).error).toMatch(/^bad response: not an HTTP\/1\.x response/);
  });
});

