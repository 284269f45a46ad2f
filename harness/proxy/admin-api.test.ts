import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApi } from './admin-api.ts';
import { ProxyServer } from './proxy-server.ts';
import { echo, open, roundTrip, startServer, type TestServer } from './test-support.ts';

// The paths, shapes and status codes of Toxiproxy's api.go, driven with plain fetch.
let upstream: TestServer;
let proxies: ProxyServer;
let api: AdminApi;
let base: string;

beforeAll(async () => {
  upstream = await startServer(echo);
  proxies = new ProxyServer();
  api = new AdminApi(proxies, { version: '9.9.9' });
  base = (await api.listen('127.0.0.1:0')).origin;
});
afterAll(async () => {
  await api.close();
  await proxies.close();
  await upstream.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('AdminApi', () => {
  it('creates, shows, lists, updates and deletes a proxy with Toxiproxy\'s shapes and codes', async () => {
    expect(await call('GET', '/version')).toEqual({ status: 200, json: { version: '9.9.9', server: 'drillbit' } });
    const created = await call('POST', '/proxies', { name: 'shop', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
    expect(created.status).toBe(201);
    const view = created.json as { listen: string };
    expect(view).toEqual({ name: 'shop', listen: expect.stringMatching(/^127\.0\.0\.1:[1-9]\d*$/), upstream: `127.0.0.1:${upstream.port}`, enabled: true, toxics: [], protocol: 'tcp' });
    expect(await call('GET', '/proxies/shop')).toEqual({ status: 200, json: view });
    expect(await call('GET', '/proxies')).toEqual({ status: 200, json: { shop: view } });

    const disabled = await call('POST', '/proxies/shop', { enabled: false });
    expect(disabled).toMatchObject({ status: 200, json: { enabled: false, listen: view.listen } });
    expect(await call('PATCH', '/proxies/shop', { enabled: true })).toMatchObject({ status: 200, json: { enabled: true } });

    expect(await call('DELETE', '/proxies/shop')).toEqual({ status: 204, json: undefined });
    expect(await call('GET', '/proxies')).toEqual({ status: 200, json: {} });
  });

  it('adds, shows, updates and removes toxics, with traffic affected', async () => {
    const { json } = await call('POST', '/proxies', { name: 'toxic', upstream: `127.0.0.1:${upstream.port}` });
    const port = Number((json as { listen: string }).listen.split(':').at(-1));
    const added = await call('POST', '/proxies/toxic/toxics', { type: 'latency', attributes: { latency: 120 } });
    expect(added).toEqual({ status: 200, json: { name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 120, jitter: 0 } } });
    const client = await open(port);
    expect(await roundTrip(client)).toBeGreaterThanOrEqual(118);

    const updated = await call('POST', '/proxies/toxic/toxics/latency_downstream', { attributes: { jitter: 5 }, toxicity: 0.5, type: 'ignored' });
    expect(updated.json).toEqual({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 120, jitter: 5 } });
    expect(await call('GET', '/proxies/toxic/toxics/latency_downstream')).toEqual({ status: 200, json: updated.json });
    await call('POST', '/proxies/toxic/toxics', { name: 'cut', type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } });
    const listed = await call('GET', '/proxies/toxic/toxics');
    expect((listed.json as { name: string }[]).map((t) => t.name)).toEqual(['cut', 'latency_downstream']);

    expect(await call('DELETE', '/proxies/toxic/toxics/latency_downstream')).toEqual({ status: 204, json: undefined });
    expect(await call('DELETE', '/proxies/toxic/toxics/cut')).toEqual({ status: 204, json: undefined });
    expect(await roundTrip(client)).toBeLessThan(60);
    client.socket.destroy();

    await call('POST', '/proxies/toxic/toxics', { type: 'timeout' });
    await call('POST', '/proxies/toxic', { enabled: false });
    expect(await call('POST', '/reset')).toEqual({ status: 204, json: undefined });
    expect(await call('GET', '/proxies/toxic')).toMatchObject({ json: { enabled: true, toxics: [] } });
    await call('DELETE', '/proxies/toxic');
  });

  it('answers errors as {"error", "status"}: unknown proxy 404, duplicate 409, bad toxic 400 naming the field', async () => {
    const error = (status: number, pattern: RegExp) => ({ status, json: { error: expect.stringMatching(pattern), status } });
    expect(await call('GET', '/proxies/ghost')).toEqual(error(404, /^proxy not found/));
    expect(await call('DELETE', '/proxies/ghost')).toEqual(error(404, /^proxy not found/));
    expect(await call('POST', '/proxies/ghost/toxics', { type: 'latency' })).toEqual(error(404, /^proxy not found/));
    expect(await call('POST', '/proxies', { upstream: '127.0.0.1:1' })).toEqual(error(400, /^missing required field: name$/));
    expect(await call('POST', '/proxies', { name: 'x' })).toEqual(error(400, /^missing required field: upstream$/));
    expect(await call('POST', '/proxies', { name: 'x', upstream: 'nowhere' })).toEqual(error(400, /upstream: expected upstream as "host:port"/));
    expect(await call('POST', '/proxies', '{not json')).toEqual(error(400, /^bad request body: /));

    await call('POST', '/proxies', { name: 'dup', upstream: `127.0.0.1:${upstream.port}` });
    expect(await call('POST', '/proxies', { name: 'dup', upstream: `127.0.0.1:${upstream.port}` })).toEqual(error(409, /^proxy already exists/));
    expect(await call('POST', '/proxies/dup/toxics', { type: 'teleport' })).toEqual(error(400, /^invalid toxic type: type: "teleport"/));
    expect(await call('POST', '/proxies/dup/toxics', { type: 'latency', stream: 'sideways' })).toEqual(error(400, /stream was invalid.*stream: got "sideways"/));
    expect(await call('POST', '/proxies/dup/toxics', { type: 'latency', attributes: { latency: -5 } })).toEqual(error(400, /attributes\.latency: must not be negative, got -5/));
    expect(await call('POST', '/proxies/dup/toxics', { type: 'latency', attributes: { latncy: 5 } })).toEqual(error(400, /attributes: unknown attribute "latncy"/));
    expect(await call('POST', '/proxies/dup/toxics', { type: 'bandwidth', toxicity: 2 })).toEqual(error(400, /toxicity: must be between 0 and 1, got 2/));
    expect(await call('POST', '/proxies/dup/toxics', { type: 'slicer', attributes: { average_size: 10, size_variation: 10 } })).toEqual(error(400, /attributes\.size_variation: size_variation must be smaller than average_size/));
    await call('POST', '/proxies/dup/toxics', { type: 'latency' });
    expect(await call('POST', '/proxies/dup/toxics', { type: 'latency' })).toEqual(error(409, /^toxic already exists/));
    expect(await call('GET', '/proxies/dup/toxics/ghost')).toEqual(error(404, /^toxic not found/));
    expect(await call('DELETE', '/proxies/dup/toxics/ghost')).toEqual(error(404, /^toxic not found/));
    expect(await call('POST', '/proxies/dup/toxics/latency_downstream', { attributes: { jitter: -1 } })).toEqual(error(400, /attributes\.jitter: must not be negative/));
    expect(await call('GET', '/nothing')).toEqual(error(404, /^not found/));
    expect(await call('PUT', '/proxies')).toEqual(error(405, /not allowed/));
    expect(await call('GET', '/proxies', undefined, { 'user-agent': 'Mozilla/5.0' })).toEqual(error(403, /User agent not allowed/));
    await call('DELETE', '/proxies/dup');
  });

  it('populates: creates, keeps what matches, replaces what moved, validates everything first', async () => {
    const entry = { name: 'pop', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` };
    const first = await call('POST', '/populate', [entry]);
    expect(first.status).toBe(201);
    const listen = ((first.json as { proxies: { listen: string }[] }).proxies[0]!).listen;
    const again = await call('POST', '/populate', [{ ...entry, listen }]);
    expect(again).toMatchObject({ status: 201, json: { proxies: [{ name: 'pop', listen }] } });
    expect(await call('POST', '/populate', [{ ...entry, listen }, { name: 'bad' }])).toMatchObject({ status: 400, json: { error: expect.stringMatching(/upstream.*proxy 2/) } });
    expect(await call('GET', '/proxies/bad')).toMatchObject({ status: 404 });
    await call('DELETE', '/proxies/pop');
  });
});
