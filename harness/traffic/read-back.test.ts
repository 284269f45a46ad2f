import { afterEach, describe, expect, it } from 'vitest';
import { readBackSchema, writeSpecSchema } from '../scenario/schema.ts';
import { respond, startTestServer, type TestServer } from './http-test-server.ts';
import { defaultReadBack, readBack } from './read-back.ts';
import { resolveWriteSpec, WriteTracker } from './write-tracker.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** run-1..3 acked, run-4 failed, run-5 and run-6 indeterminate. */
function drillWrites(): WriteTracker {
  const tracker = new WriteTracker(resolveWriteSpec('/orders'), 'run');
  for (const status of [201, 201, 201, 400, 500, 0]) tracker.complete(tracker.invoke(0).id, status, 1);
  return tracker;
}

describe('readBack', () => {
  it('list mode: detects a lost acked write, an unexpected id and a recovered one, ignoring foreign data', async () => {
    const urls: string[] = [];
    server = await startTestServer((request, response) => {
      urls.push(request.url!);
      respond(response, 200, JSON.stringify(['run-1', 'run-3', 'run-5', 'run-77', 'someone-else-1', 42]));
    });
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites() });
    expect(urls).toEqual(['/orders']);
    expect(result).toMatchObject({ readBack: true, acked: 3, lost: 1, lostIds: ['run-2'], unexpected: 1, unexpectedIds: ['run-77'], recovered: 1, indeterminate: 2, failed: 1 });
  });

  it('list mode: reads ids from objects through idField', async () => {
    server = await startTestServer((_request, response) => respond(response, 200, JSON.stringify([1, 2, 3].map((n) => ({ orderId: `run-${n}`, qty: n })))));
    const spec = readBackSchema.parse({ list: '/orders', idField: 'orderId' });
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites(), spec });
    expect(result).toMatchObject({ readBack: true, lost: 0, unexpected: 0, recovered: 0 });
  });

  it('byId mode: asks for each acked and indeterminate id; 404 is absent', async () => {
    const asked: string[] = [];
    server = await startTestServer((request, response) => {
      const id = decodeURIComponent(request.url!.split('/').pop()!);
      asked.push(id);
      respond(response, ['run-1', 'run-2', 'run-6'].includes(id) ? 200 : 404);
    });
    const spec = readBackSchema.parse({ byId: '/orders/{id}' });
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites(), spec, concurrency: 2 });
    expect(asked.sort()).toEqual(['run-1', 'run-2', 'run-3', 'run-5', 'run-6']);
    expect(result).toMatchObject({ readBack: true, lost: 1, lostIds: ['run-3'], recovered: 1, unexpected: 0 });
  });

  it('fails the read-back (unknown, not passed) on a persistent 5xx, after retrying', async () => {
    server = await startTestServer((_request, response) => respond(response, 503));
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites(), attempts: 3, retryDelayMs: 5 });
    expect(server.requests).toBe(3);
    expect(result).toMatchObject({ readBack: false, lost: 0, acked: 3 });
    expect(result.readBackError).toMatch(/GET \/orders: unexpected status 503/);
  });

  it('recovers from a transient 5xx by retrying', async () => {
    server = await startTestServer((_request, response) => (server!.requests === 1 ? respond(response, 502) : respond(response, 200, '["run-1","run-2","run-3"]')));
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites(), retryDelayMs: 5 });
    expect(result).toMatchObject({ readBack: true, lost: 0 });
  });

  it('fails the read-back on a body that is not a JSON array', async () => {
    server = await startTestServer((_request, response) => respond(response, 200, '{"items":[]}'));
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites() });
    expect(result.readBack).toBe(false);
    expect(result.readBackError).toMatch(/expected a JSON array/);
  });

  it('byId mode: an unexpected status for one id fails the whole read-back', async () => {
    server = await startTestServer((request, response) => respond(response, request.url === '/orders/run-3' ? 403 : 200));
    const result = await readBack({ baseUrl: server.url, tracker: drillWrites(), spec: readBackSchema.parse({ byId: '/orders/{id}' }) });
    expect(result).toMatchObject({ readBack: false, readBackError: 'GET /orders/run-3: unexpected status 403' });
  });

  it('fails the read-back when nothing listens', async () => {
    const closed = await startTestServer(() => undefined);
    await closed.close();
    const result = await readBack({ baseUrl: closed.url, tracker: drillWrites(), attempts: 1 });
    expect(result.readBack).toBe(false);
    expect(result.readBackError).toMatch(/no response \(.*ECONNREFUSED/);
  });
});

describe('defaultReadBack', () => {
  it('lists the write path, cut before its {id} segment', () => {
    expect(defaultReadBack(resolveWriteSpec('/orders'))).toEqual({ list: '/orders', idField: 'id' });
    expect(defaultReadBack(writeSpecSchema.parse({ method: 'PUT', path: '/kv/{id}' }))).toEqual({ list: '/kv', idField: 'id' });
    expect(defaultReadBack(writeSpecSchema.parse({ path: '/items?id={id}' }))).toEqual({ list: '/items', idField: 'id' });
  });
});
